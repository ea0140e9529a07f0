"""naba's Telegram side: the Application, handlers, digests, formatting, and the CLI."""
