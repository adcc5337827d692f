"""Test helpers for applications, kept from discordproxy 1.5.1 (apps' own tests import
`discordproxy.tests.factories`)."""
