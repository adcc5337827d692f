//! An independent judge of the interaction routes: after interactions are made through the
//! control route (`POST /_emulator/interactions`), twilight-http 0.18's `interaction(application_id)`
//! client answers them with every callback type the bot sends most (a message with a file and
//! `with_response`, a deferred message, a modal, a component's message update, autocomplete
//! choices) and calls every `@original` and follow-up route, with Discord's rate limits on. Every
//! answer decodes into twilight-model types; the emulator's report and request log show what
//! was sent; a second initial response is Discord's 400/40060 as twilight sees it.

use discord_emulator::config::RateLimits;
use discord_emulator::{Emulator, Options};
use serde_json::{Value, json};
use twilight_http::Client;
use twilight_http::api_error::ApiError;
use twilight_http::error::ErrorType;
use twilight_model::application::interaction::InteractionType;
use twilight_model::channel::message::{Component, MessageFlags, MessageType};
use twilight_model::http::attachment::Attachment;
use twilight_model::http::interaction::{
    InteractionResponse, InteractionResponseData, InteractionResponseType,
};
use twilight_model::id::Id;
use twilight_model::id::marker::{ApplicationMarker, ChannelMarker, InteractionMarker, UserMarker};

const GENERAL: Id<ChannelMarker> = Id::new(400000000000000002);
const GUILD: &str = "300000000000000001";
const ALICE: &str = "200000000000000001";
const BOT: Id<UserMarker> = Id::new(100000000000000001);
const APPLICATION: Id<ApplicationMarker> = Id::new(100000000000000001);

async fn start() -> (Emulator, Client) {
    let mut options = Options::default();
    options.rate_limits.mode = RateLimits::Discord;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let emulator = Emulator::start(listener, options).await.unwrap();
    let client = Client::builder()
        .proxy(emulator.local_addr().to_string(), true)
        .token(emulator.token().to_owned())
        .build();
    (emulator, client)
}

/// An interaction of alice in #general (`message_id`: the component's message); returns its
/// id and token.
async fn interact(
    emulator: &Emulator,
    kind: u64,
    data: Value,
    message_id: Option<String>,
) -> (Id<InteractionMarker>, String) {
    let mut body = json!({"type": kind, "guild_id": GUILD, "channel_id": GENERAL.to_string(),
        "user_id": ALICE, "data": data});
    if let Some(message_id) = message_id {
        body["message_id"] = json!(message_id);
    }
    let response = reqwest::Client::new()
        .post(format!("{}/_emulator/interactions", emulator.base_url()))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["application_id"], json!(APPLICATION.to_string()));
    (
        Id::new(created["id"].as_str().unwrap().parse().unwrap()),
        created["token"].as_str().unwrap().to_owned(),
    )
}

/// What the emulator recorded of interaction `id` (`GET /_emulator/interactions/{id}`).
async fn report(emulator: &Emulator, id: Id<InteractionMarker>) -> Value {
    reqwest::Client::new()
        .get(format!(
            "{}/_emulator/interactions/{id}",
            emulator.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

fn command(name: &str) -> Value {
    json!({"id": "900000000000000001", "name": name, "type": 1})
}

/// The HTTP status and Discord error code of a failed twilight request.
fn status_and_code(error: &twilight_http::Error) -> (u16, u64) {
    match error.kind() {
        ErrorType::Response { status, error, .. } => match error {
            ApiError::General(general) => (status.get(), general.code),
            other => panic!("unexpected API error body {other:?}"),
        },
        other => panic!("expected a Discord error response, got {other:?}"),
    }
}

fn message_response(
    kind: InteractionResponseType,
    data: InteractionResponseData,
) -> InteractionResponse {
    InteractionResponse {
        kind,
        data: Some(data),
    }
}

#[tokio::test]
async fn twilight_answers_interactions_and_manages_their_messages() {
    let (emulator, client) = start().await;
    let interaction = client.interaction(APPLICATION);

    // A message with a file, with_response: multipart, decoded as InteractionCallbackResponse.
    let (id, token) = interact(&emulator, 2, command("report"), None).await;
    let response = message_response(
        InteractionResponseType::ChannelMessageWithSource,
        InteractionResponseData {
            content: Some("here is the report".into()),
            attachments: Some(vec![Attachment::from_bytes(
                "report.txt".into(),
                b"all good".to_vec(),
                0,
            )]),
            ..InteractionResponseData::default()
        },
    );
    let answered = interaction
        .create_response(id, &token, &response)
        .with_response()
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(answered.interaction.id, id);
    assert_eq!(
        answered.interaction.kind,
        InteractionType::ApplicationCommand
    );
    assert_eq!(answered.interaction.response_message_loading, Some(false));
    assert_eq!(answered.interaction.response_message_ephemeral, Some(false));
    let resource = answered.resource.unwrap();
    assert_eq!(
        resource.kind,
        InteractionResponseType::ChannelMessageWithSource
    );
    let message = resource.message.unwrap();
    assert_eq!(answered.interaction.response_message_id, Some(message.id));
    assert_eq!(message.content, "here is the report");
    assert_eq!(message.kind, MessageType::ChatInputCommand);
    assert_eq!(message.author.id, BOT);
    assert_eq!(message.attachments.len(), 1);
    assert_eq!(message.attachments[0].filename, "report.txt");
    assert_eq!(message.attachments[0].size, 8);
    let metadata = message.interaction_metadata.as_ref().unwrap();
    assert_eq!(metadata.id, id);
    assert_eq!(metadata.user.id.to_string(), ALICE);
    let recorded = report(&emulator, id).await;
    assert_eq!(recorded["initial_response"]["type"], json!(4));
    assert_eq!(
        recorded["initial_response"]["data"]["content"],
        json!("here is the report")
    );
    let callback = emulator
        .requests()
        .into_iter()
        .find(|request| request.path.ends_with("/callback"))
        .unwrap();
    assert!(
        !callback.authorization,
        "twilight sends no bot token to the callback"
    );
    assert_eq!(callback.query, "with_response=true");
    let parts = callback.parts.as_ref().unwrap();
    assert!(parts.iter().any(|part| part.name == "payload_json"));
    assert!(parts.iter().any(|part| part.name == "files[0]"));

    // A second initial response: 400/40060, as Discord documents.
    let again = message_response(
        InteractionResponseType::ChannelMessageWithSource,
        InteractionResponseData {
            content: Some("twice".into()),
            ..InteractionResponseData::default()
        },
    );
    let error = interaction
        .create_response(id, &token, &again)
        .await
        .unwrap_err();
    assert_eq!(status_and_code(&error), (400, 40060));

    // @original: read, edit, then follow-ups: create, read, edit, delete.
    let original = interaction
        .response(&token)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(original.id, message.id);
    assert_eq!(original.content, "here is the report");
    let edited = interaction
        .update_response(&token)
        .content(Some("the report, revised"))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(edited.id, message.id);
    assert_eq!(edited.content, "the report, revised");
    assert!(edited.edited_timestamp.is_some());
    assert_eq!(edited.attachments.len(), 1, "attachments are kept");

    let followup = interaction
        .create_followup(&token)
        .content("only for you")
        .flags(MessageFlags::EPHEMERAL)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert!(followup.flags.unwrap().contains(MessageFlags::EPHEMERAL));
    assert_eq!(followup.interaction_metadata.as_ref().unwrap().id, id);
    let public = interaction
        .create_followup(&token)
        .content("for everyone")
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(public.channel_id, GENERAL);
    let read = interaction
        .followup(&token, followup.id)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(read.content, "only for you");
    let changed = interaction
        .update_followup(&token, public.id)
        .content(Some("for everyone, changed"))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(changed.content, "for everyone, changed");
    let recorded = report(&emulator, id).await;
    let followups = recorded["followups"].as_array().unwrap();
    assert_eq!(followups.len(), 2);
    assert_eq!(followups[1]["content"], json!("for everyone, changed"));
    assert_eq!(
        recorded["original_message"]["content"],
        json!("the report, revised")
    );

    interaction
        .delete_followup(&token, followup.id)
        .await
        .unwrap();
    let gone = interaction.followup(&token, followup.id).await.unwrap_err();
    assert_eq!(status_and_code(&gone), (404, 10008));
    interaction.delete_response(&token).await.unwrap();
    let gone = interaction.response(&token).await.unwrap_err();
    assert_eq!(status_and_code(&gone), (404, 10008));
    let recorded = report(&emulator, id).await;
    assert_eq!(recorded["followups"].as_array().unwrap().len(), 1);
    assert_eq!(recorded["original_message_id"], Value::Null);

    // The webhook routes went without the bot token, with the application id and the token.
    let webhook_calls: Vec<_> = emulator
        .requests()
        .into_iter()
        .filter(|request| request.path.contains(&format!("/webhooks/{APPLICATION}/")))
        .collect();
    assert_eq!(webhook_calls.len(), 10);
    assert!(webhook_calls.iter().all(|request| !request.authorization));
    assert!(
        webhook_calls
            .iter()
            .all(|request| request.path.contains(&token))
    );
}

#[tokio::test]
async fn twilight_sends_deferred_modal_update_and_autocomplete_responses() {
    let (emulator, client) = start().await;
    let interaction = client.interaction(APPLICATION);

    // Deferred, then filled in through @original.
    let (id, token) = interact(&emulator, 2, command("slow"), None).await;
    let deferred = InteractionResponse {
        kind: InteractionResponseType::DeferredChannelMessageWithSource,
        data: None,
    };
    let answered = interaction
        .create_response(id, &token, &deferred)
        .with_response()
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(answered.interaction.response_message_loading, Some(true));
    let loading = answered.resource.unwrap().message.unwrap();
    assert!(loading.flags.unwrap().contains(MessageFlags::LOADING));
    let done = interaction
        .update_response(&token)
        .content(Some("finished"))
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(done.id, loading.id);
    assert!(
        !done
            .flags
            .unwrap_or(MessageFlags::empty())
            .contains(MessageFlags::LOADING)
    );
    assert_eq!(
        report(&emulator, id).await["initial_response"]["type"],
        json!(5)
    );

    // A modal (204, nothing to decode).
    let (id, token) = interact(&emulator, 2, command("ask"), None).await;
    let components: Vec<Component> = serde_json::from_value(json!([{
        "type": 1,
        "components": [{"type": 4, "custom_id": "answer", "label": "Your answer", "style": 1}],
    }]))
    .unwrap();
    let modal = message_response(
        InteractionResponseType::Modal,
        InteractionResponseData {
            custom_id: Some("question".into()),
            title: Some("A question".into()),
            components: Some(components),
            ..InteractionResponseData::default()
        },
    );
    let answered = interaction
        .create_response(id, &token, &modal)
        .await
        .unwrap();
    assert_eq!(answered.status().get(), 204);
    let recorded = report(&emulator, id).await;
    let initial = &recorded["initial_response"];
    assert_eq!(initial["type"], json!(9));
    assert_eq!(initial["data"]["custom_id"], json!("question"));
    assert_eq!(initial["data"]["title"], json!("A question"));
    assert_eq!(
        initial["data"]["components"][0]["components"][0]["custom_id"],
        json!("answer")
    );

    // A button's message updated in place.
    let buttons: Vec<Component> = serde_json::from_value(json!([{
        "type": 1,
        "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go"}],
    }]))
    .unwrap();
    let message = client
        .create_message(GENERAL)
        .content("press it")
        .components(&buttons)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    let (id, token) = interact(
        &emulator,
        3,
        json!({"custom_id": "go", "component_type": 2}),
        Some(message.id.to_string()),
    )
    .await;
    let update = message_response(
        InteractionResponseType::UpdateMessage,
        InteractionResponseData {
            content: Some("pressed".into()),
            components: Some(Vec::new()),
            ..InteractionResponseData::default()
        },
    );
    let answered = interaction
        .create_response(id, &token, &update)
        .with_response()
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(answered.interaction.kind, InteractionType::MessageComponent);
    let updated = answered.resource.unwrap().message.unwrap();
    assert_eq!(updated.id, message.id);
    assert_eq!(updated.content, "pressed");
    assert!(updated.components.is_empty());
    let original = interaction
        .response(&token)
        .await
        .unwrap()
        .model()
        .await
        .unwrap();
    assert_eq!(original.id, message.id);

    // Autocomplete choices.
    let (id, token) = interact(
        &emulator,
        4,
        json!({"id": "900000000000000002", "name": "pick", "type": 1,
            "options": [{"name": "fruit", "type": 3, "value": "ap", "focused": true}]}),
        None,
    )
    .await;
    let choices = serde_json::from_value(json!([
        {"name": "apple", "value": "apple"},
        {"name": "apricot", "value": "apricot"},
    ]))
    .unwrap();
    let autocomplete = message_response(
        InteractionResponseType::ApplicationCommandAutocompleteResult,
        InteractionResponseData {
            choices: Some(choices),
            ..InteractionResponseData::default()
        },
    );
    interaction
        .create_response(id, &token, &autocomplete)
        .await
        .unwrap();
    let recorded = report(&emulator, id).await;
    assert_eq!(recorded["initial_response"]["type"], json!(8));
    assert_eq!(
        recorded["initial_response"]["data"]["choices"][1]["name"],
        json!("apricot")
    );
}
