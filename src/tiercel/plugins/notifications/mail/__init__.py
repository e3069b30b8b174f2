"""Email over SMTP: ``MailSend`` and ``MailExecution``."""
