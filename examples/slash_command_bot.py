"""A slash-command bot in Python over gRPC only: discordproxyserver holds the websocket.

/ping -> "Pong!" with a button; the button -> a modal; the modal -> a deferred response, then
the response edited to show what was typed, then a follow-up with it as a file.

Try it without Discord, from the repository root:
    python -m pip install grpcio-tools
    python -m grpc_tools.protoc -Iproto --python_out=examples --grpc_python_out=examples \
        proto/discord_api.proto
    cargo run -p discordproxy-server -- --sandbox    # in another terminal
    python examples/slash_command_bot.py 127.0.0.1:50051 300000000000000001
then play the user with curl against the emulator's control route (README: "A slash-command
bot"). Arguments: the server's address and the guild to register /ping in. Ctrl-C stops it.
"""
import sys

import grpc
import discord_api_pb2 as api
import discord_api_pb2_grpc as api_grpc

ADDRESS = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:50051"
GUILD_ID = int(sys.argv[2]) if len(sys.argv) > 2 else 300000000000000001
COMMAND, BUTTON_CLICK, MODAL_SUBMIT = 2, 3, 5  # interaction types
MESSAGE, DEFERRED_MESSAGE, MODAL = 4, 5, 9  # response types


def row(component):
    return api.Component(type=api.Component.ACTION_ROW, components=[component])


def answer(stub, interaction):
    print(f"interaction {interaction.id}: type {interaction.type} "
          f"{interaction.command_name or interaction.custom_id}", flush=True)

    def respond(**fields):
        request = api.CreateInteractionResponseRequest(
            interaction_id=interaction.id, interaction_token=interaction.token, **fields)
        stub.CreateInteractionResponse(request)

    if interaction.type == COMMAND and interaction.command_name == "ping":
        button = api.Component(type=api.Component.BUTTON, style=1, label="Say something",
                               custom_id="ping:say")
        respond(type=MESSAGE, content="Pong!", components=[row(button)])
    elif interaction.type == BUTTON_CLICK and interaction.custom_id == "ping:say":
        text_input = api.Component(type=api.Component.TEXT_INPUT, style=1, label="Your words",
                                   custom_id="ping:text", required=True)
        respond(type=MODAL, custom_id="ping:modal", title="Say something",
                components=[row(text_input)])
    elif interaction.type == MODAL_SUBMIT and interaction.custom_id == "ping:modal":
        text = interaction.modal_values[0].value
        respond(type=DEFERRED_MESSAGE)  # within 3 s; the rest may take up to 15 minutes
        stub.EditOriginalInteractionResponse(api.EditOriginalInteractionResponseRequest(
            interaction_token=interaction.token, content=f"You said: {text}"), timeout=10)
        stub.CreateFollowupMessage(api.CreateFollowupMessageRequest(
            interaction_token=interaction.token, content="Here it is as a file.",
            files=[api.File(filename="said.txt", data=text.encode(), content_type="text/plain")]),
            timeout=10)


def main():
    with grpc.insecure_channel(ADDRESS) as channel:
        stub = api_grpc.DiscordApiStub(channel)
        events = stub.StreamEvents(api.StreamEventsRequest(event_names=["INTERACTION_CREATE"]))
        events.initial_metadata()  # the server has subscribed us: no interaction is missed
        ping = api.ApplicationCommandParams(name="ping", description="Replies with Pong!")
        stub.BulkOverwriteGuildApplicationCommands(api.BulkOverwriteGuildApplicationCommandsRequest(
            guild_id=GUILD_ID, commands=[ping]), timeout=30)
        print(f"/ping registered in guild {GUILD_ID}; Ctrl-C stops", flush=True)
        for event in events:
            try:
                answer(stub, event.interaction)
            except grpc.RpcError as error:
                print(f"could not answer: {error.code().name}: {error.details()}", flush=True)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("stopped", flush=True)
    except grpc.RpcError as error:  # e.g. the server went away: UNAVAILABLE
        sys.exit(f"event stream ended: {error.code().name}: {error.details()}")
