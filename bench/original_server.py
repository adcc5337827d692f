"""Start the UNMODIFIED original discordproxyserver (PyPI discordproxy 1.5.1, py-cord 2.8.1)
against the Discord emulator.

    python original_server.py API_URL SERVER_ARGS...
    python original_server.py http://127.0.0.1:8000/api/v10 --token sandbox-bot-token --port 50052

The only change is py-cord's REST base URL (the class attribute
`discord.http.Route.API_BASE_URL`); py-cord then takes the gateway URL from the emulator's
`GET /gateway`. Everything else is the original's own entry point, `discordproxy._server.main`,
with the remaining arguments as its command line.
"""

import sys

import discord.http
from discordproxy._server import main

if __name__ == "__main__":
    if len(sys.argv) < 2 or not sys.argv[1].startswith("http"):
        sys.exit("usage: original_server.py API_URL [discordproxyserver arguments...]")
    discord.http.Route.API_BASE_URL = sys.argv[1]
    sys.argv = ["discordproxyserver", *sys.argv[2:]]
    main()
