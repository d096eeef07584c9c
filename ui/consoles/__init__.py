"""The console beside the clerk's flow: technician, supervisor, outbox and audit pages in one host."""
