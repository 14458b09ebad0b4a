"""The per-browser CtpSession and how it is kept between requests."""

from app.session.ctp_session import CtpAuthToken, CtpSession, SessionField

__all__ = ["CtpAuthToken", "CtpSession", "SessionField"]
