use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}

#[derive(Serialize, ToSchema)]
struct Health {
    ok: bool,
}

/// Is the box up?
#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, description = "The box is up", body = Health)))]
async fn health() -> Json<Health> {
    Json(Health { ok: true })
}
