"""What several apps share and that knows nothing of them: the user-facing error, PDF rendering,
calendar writing, exports and API plumbing. It imports no app of the portal."""
