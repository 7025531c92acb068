import datetime

import django.db.models.deletion
import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('projects', '0014_committee_members_from_opinions'),
    ]

    operations = [
        migrations.AlterField(
            model_name='opinion',
            name='member',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='opinions', to='projects.committeemember', verbose_name='au nom de'),
        ),
        migrations.RemoveField(
            model_name='committee',
            name='user_representative',
        ),
        migrations.AddConstraint(
            model_name='committee',
            constraint=models.CheckConstraint(condition=models.Q(('meets_at__gte', datetime.datetime(2018, 12, 31, 23, 0, tzinfo=datetime.timezone.utc))), name='committee_meets_after_2019'),
        ),
        migrations.AddConstraint(
            model_name='committee',
            constraint=models.CheckConstraint(condition=models.Q(('meets_at__lte', django.db.models.expressions.CombinedExpression(models.F('created_at'), '+', models.Value(datetime.timedelta(days=731))))), name='committee_meets_within_horizon'),
        ),
        migrations.AddConstraint(
            model_name='opinion',
            constraint=models.UniqueConstraint(condition=models.Q(('amends__isnull', True)), fields=('committee', 'project', 'member'), name='one_first_opinion_per_seat'),
        ),
    ]
