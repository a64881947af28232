use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use crate::lan;
use crate::model::BoxInfo;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(box_info))
}

#[derive(Serialize, ToSchema)]
struct Health {
    ok: bool,
}

/// Is the box up?
///
/// Seed: `GET /health`, as in the first version (see `crate::seed`).
#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, description = "The box is up", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { ok: true })
}

/// The box: its name, version, the link phones should open, and its clock.
#[utoipa::path(get, path = "/box", tag = "health",
    responses((status = 200, description = "The box's name, version and join link", body = BoxInfo)))]
async fn box_info(State(state): State<AppState>) -> Json<BoxInfo> {
    Json(BoxInfo {
        name: state.config.name.clone(),
        version: env!("CARGO_PKG_VERSION").into(),
        join_url: lan::join_url(state.local_addr, state.lan_names.mdns_host().as_deref())
            .map(|url| lan::secure_if(url, state.config.tls())),
        demo: state.store.audio() == crate::domain::player::Audio::Demo,
        now: crate::timestamp::Timestamp::now().text(),
        outputs: state.outputs.list(),
    })
}
