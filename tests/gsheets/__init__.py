"""Tests of Google Sheets as a source, against a local emulator of the Google endpoints."""
