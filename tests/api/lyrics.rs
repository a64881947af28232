//! Lyrics from the host's music: a `.lrc` file beside a song, LRC or plain
//! text in its tags, an ID3 `SYLT` frame; written into copies of the
//! fixtures with lofty (the crate the box reads them with), then read back
//! through the API by a guest of the party playing them.

use std::borrow::Cow;
use std::io::Seek;
use std::path::Path;

use lofty::TextEncoding;
use lofty::config::{ParseOptions, WriteOptions};
use lofty::file::{AudioFile, TaggedFileExt};
use lofty::id3::v2::{
    BinaryFrame, Frame, FrameId, SyncTextContentType, SynchronizedTextFrame, TimestampFormat,
};
use lofty::mpeg::MpegFile;
use lofty::tag::{Accessor, ItemKey, TagExt};
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;
use crate::library::{box_with_music, music_folder, scanned};

/// Lyrics text in a file's main tag (in an MP3, ID3's USLT frame).
fn embed_text(path: &Path, text: &str) {
    let mut tagged = lofty::read_from_path(path).unwrap();
    let tag = tagged.primary_tag_mut().unwrap();
    assert!(
        tag.insert_text(ItemKey::Lyrics, text.to_string())
            || tag.insert_text(ItemKey::UnsyncLyrics, text.to_string())
    );
    tag.save_to_path(path, WriteOptions::default()).unwrap();
}

/// A copy of the MP3 fixture titled "Timed Words", with an ID3 SYLT frame.
fn mp3_with_sylt(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap();
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(to)
        .unwrap();
    let mut mpeg = MpegFile::read_from(&mut file, ParseOptions::new()).unwrap();
    let tag = mpeg.id3v2_mut().unwrap();
    tag.set_title("Timed Words".into());
    let sylt = SynchronizedTextFrame::new(
        TextEncoding::UTF8,
        *b"eng",
        TimestampFormat::MS,
        SyncTextContentType::Lyrics,
        None,
        vec![
            (900, "second, sung later".into()),
            (100, "first, sung soon".into()),
        ],
    );
    let bytes = sylt.as_bytes(WriteOptions::default()).unwrap();
    tag.insert(Frame::Binary(BinaryFrame::new(
        FrameId::Valid(Cow::Borrowed("SYLT")),
        bytes,
    )));
    file.rewind().unwrap();
    mpeg.save_to(&mut file, WriteOptions::default()).unwrap();
}

async fn lyrics_of(app: &TestApp, who: &Guest, query: &str) -> reqwest::Response {
    let id = app.search(who, query).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.get(&format!("/tracks/{id}/lyrics"), Some(who)).await
}

fn lines(body: &Value) -> Vec<(Option<i64>, &str)> {
    body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["at_ms"].as_i64(), l["text"].as_str().unwrap()))
        .collect()
}

#[tokio::test]
async fn lyrics_come_from_a_lrc_file_or_the_tags_synced_first() {
    let music = music_folder();
    let album = music.path().join("Some Album");
    // Sunrise: a .lrc beside it, and plain lyrics in its tag (the .lrc's
    // times win).
    std::fs::write(
        album.join("sunrise.lrc"),
        "[ar:The Fixtures]\n[ti:Sunrise Test]\n[00:00.20]Morning <00:00.50>comes\n[00:01.00]Day is here\n",
    )
    .unwrap();
    embed_text(
        &album.join("sunrise.mp3"),
        "plain words that lose to the .lrc",
    );
    // Flac: LRC in its LYRICS tag. Ogg: plain lyrics. Opus: a .lrc that is a
    // link to a secret outside the folder. M4A: none.
    embed_text(
        &album.join("flac-attack.flac"),
        "[00:00.40]Attack\n[00:01.20]Decay",
    );
    embed_text(&album.join("vorbis.ogg"), "Verse one\n\n\nChorus");
    std::os::unix::fs::symlink("/etc/passwd", album.join("opus.lrc")).unwrap();
    mp3_with_sylt(&album.join("sunrise.mp3"), &album.join("timed.mp3"));

    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    scanned(&app, &host, None).await;
    let code = app.bare_room(&host).await;
    let bea = app.guest("Bea").await;
    app.join(&bea, &code).await;
    // Not in the party yet: nobody's business.
    assert_refused(
        lyrics_of(&app, &bea, "lossless").await,
        StatusCode::FORBIDDEN,
        "not_in_your_party",
    )
    .await;
    for query in [
        "sunrise",
        "lossless",
        "ogg orchestra",
        "opus",
        "mp4 mavens",
        "timed words",
    ] {
        app.add(&host, &code, query).await;
    }

    let sunrise = lyrics_of(&app, &bea, "sunrise").await;
    assert_eq!(sunrise.status(), StatusCode::OK);
    let sunrise: Value = sunrise.json().await.unwrap();
    assert_eq!(sunrise["synced"], true);
    assert_eq!(
        lines(&sunrise),
        vec![(Some(200), "Morning comes"), (Some(1_000), "Day is here")]
    );

    // Without its .lrc, the MP3's own (USLT) lyrics show, unsynced.
    std::fs::remove_file(album.join("sunrise.lrc")).unwrap();
    let uslt: Value = lyrics_of(&app, &bea, "sunrise").await.json().await.unwrap();
    assert_eq!(uslt["synced"], false);
    assert_eq!(
        lines(&uslt),
        vec![(None, "plain words that lose to the .lrc")]
    );

    let flac: Value = lyrics_of(&app, &bea, "lossless")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        lines(&flac),
        vec![(Some(400), "Attack"), (Some(1_200), "Decay")]
    );

    let ogg: Value = lyrics_of(&app, &bea, "ogg orchestra")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ogg["synced"], false);
    assert_eq!(
        lines(&ogg),
        vec![(None, "Verse one"), (None, ""), (None, "Chorus")]
    );

    let timed: Value = lyrics_of(&app, &bea, "timed words")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(timed["synced"], true);
    assert_eq!(
        lines(&timed),
        vec![
            (Some(100), "first, sung soon"),
            (Some(900), "second, sung later")
        ]
    );

    for query in ["opus", "mp4 mavens"] {
        let res = lyrics_of(&app, &bea, query).await;
        let body = assert_refused(res, StatusCode::NOT_FOUND, "no_lyrics").await;
        assert!(!body.to_string().contains("root:"), "{body}");
    }

    // A stranger with a party of their own gets nothing from this one.
    let zed = app.guest("Zed").await;
    app.bare_room(&zed).await;
    assert_refused(
        lyrics_of(&app, &zed, "sunrise").await,
        StatusCode::FORBIDDEN,
        "not_in_your_party",
    )
    .await;
    let unknown = app.get("/tracks/not-a-track/lyrics", Some(&bea)).await;
    assert_error(unknown, StatusCode::NOT_FOUND).await;
    // Nothing in the room changed by asking.
    assert_eq!(app.queue(&host, &code).await.len(), 5);
}
