//! English mode: what the server says (inbox, timeline, categories,
//! request views, candidates, qualification kinds) follows the caller's
//! `Accept-Language`, whatever language a person's notices were written
//! in; only what people wrote stays as written, and the API names it
//! (`quoted`, `note_text`) so screens can set it apart.

use crate::both_backends;
use crate::helpers::{Backend, TestApp, User, spawn_app};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn get_in(app: &TestApp, who: &User, path: &str, lang: &str) -> Value {
    let resp = app
        .client
        .get(app.url(path))
        .bearer_auth(&who.token)
        .header("accept-language", lang)
        .send()
        .await
        .expect("request sent");
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.json().await.expect("json")
}

fn cjk(s: &str) -> bool {
    s.chars().any(|c| ('\u{3400}'..='\u{9fff}').contains(&c))
}

/// `text` with each of `quoted` taken out: what is left is the server's own words.
fn own_words(text: &str, quoted: &[&str]) -> String {
    quoted.iter().fold(text.to_owned(), |t, q| t.replace(q, ""))
}

async fn english_reader_sees_no_chinese_but_what_people_wrote(b: Backend) {
    let Some(app) = spawn_app(b).await else { return };
    // Both start with Chinese as their stored language: notices are written
    // while they read Chinese, and read later in English.
    let resident = app.resident().await;
    let member = app.member().await;
    let title = "帮老人买菜";
    let address = "3号楼2单元501";
    let (s, r) = app
        .post(
            &resident.token,
            "/requests",
            json!({"category": "elderly_care", "title": title, "description": "腿脚不便", "address": address}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{r}");
    let id = r["id"].as_i64().expect("id");
    let dispatch = json!({"assignee_id": member.id});
    app.ok(&app.admin, id, "dispatch", dispatch.clone()).await;
    app.ok(&member, id, "decline", json!({"note": "这周出差"})).await;
    app.ok(&app.admin, id, "dispatch", dispatch.clone()).await;
    app.ok(&member, id, "accept", json!({})).await;
    app.ok(&app.admin, id, "reclaim", json!({"note": "居民要求换人"})).await;
    app.ok(&app.admin, id, "dispatch", dispatch).await;
    app.ok(&member, id, "accept", json!({})).await;
    app.ok(&member, id, "start", json!({})).await;
    app.ok(&member, id, "complete", json!({"hours": 1.0, "summary": "已送到"}))
        .await;
    app.ok(&resident, id, "review", json!({"stars": 5, "comment": "很好"}))
        .await;
    app.ok(&app.admin, id, "verify", json!({})).await;
    let people = ["王秀英", "陈志强"];

    // The inbox: titles and bodies in English; what they quote is named.
    for who in [&resident, &member, &app.admin] {
        let inbox = get_in(&app, who, "/notifications?limit=100", "en-US,en;q=0.9").await;
        let items = inbox["items"].as_array().expect("items");
        assert!(!items.is_empty(), "an inbox with notices");
        for n in items {
            let quoted: Vec<&str> = n["quoted"]
                .as_array()
                .expect("quoted")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            assert!(quoted.contains(&title), "the request's title is quoted: {n}");
            for field in ["title", "body"] {
                let text = n[field].as_str().expect(field);
                assert!(!cjk(&own_words(text, &quoted)), "{field} in English: {text}");
            }
        }
        // The same rows read in Chinese when asked so.
        let zh = get_in(&app, who, "/notifications?limit=100", "zh-CN").await;
        let first = zh["items"][0]["title"].as_str().expect("title");
        assert!(cjk(&own_words(first, &[title])), "Chinese on request: {first}");
    }

    // The timeline: labels, system words and notes in English; a reason
    // someone wrote is apart in `note_text`.
    for who in [&resident, &member, &app.admin] {
        let events = get_in(&app, who, &format!("/requests/{id}/events"), "en").await;
        let events = events.as_array().expect("events");
        assert!(events.len() >= 10, "{events:?}");
        for e in events {
            assert!(!cjk(e["to_label"].as_str().expect("to_label")), "{e}");
            if let Some(label) = e["note_label"].as_str() {
                assert!(!cjk(label), "{e}");
            }
            if e["actor"]["id"].is_null() {
                assert!(!cjk(e["actor"]["name"].as_str().expect("name")), "{e}");
            }
            let note = e["note"].as_str().unwrap_or_default();
            let text = e["note_text"].as_str().unwrap_or_default();
            assert!(!cjk(&own_words(note, &[text])), "the note's own words in English: {e}");
        }
        let reasons: Vec<&str> = events.iter().filter_map(|e| e["note_text"].as_str()).collect();
        assert!(
            reasons.contains(&"这周出差") && reasons.contains(&"居民要求换人"),
            "{reasons:?}"
        );
        let reclaim = events.iter().find(|e| e["action"] == "reclaim").expect("reclaim");
        assert!(
            reclaim["note"].as_str().expect("note").contains("居民要求换人"),
            "{reclaim}"
        );
    }

    // The request as the member and the admin see it, and the lists.
    for who in [&resident, &member, &app.admin] {
        let r = get_in(&app, who, &format!("/requests/{id}"), "en").await;
        assert!(!cjk(r["status_label"].as_str().expect("status_label")), "{r}");
        assert_eq!(r["category"]["name"], "Help for elderly and disabled", "{r}");
        let list = get_in(&app, who, "/requests?limit=50", "en").await;
        for item in list["items"].as_array().expect("items") {
            assert!(!cjk(item["category"]["name"].as_str().expect("category")), "{item}");
            assert!(!cjk(item["status_label"].as_str().expect("status")), "{item}");
        }
    }

    // Categories and their qualification kinds; candidates' reasons.
    let cats = get_in(&app, &resident, "/categories", "en").await;
    for c in cats.as_array().expect("categories") {
        assert!(!cjk(c["name"].as_str().expect("name")), "{c}");
        if let Some(q) = c["qualification"].as_object() {
            assert!(!cjk(q["name"].as_str().expect("kind name")), "{c}");
        }
    }
    let legal = app
        .post(
            &resident.token,
            "/requests",
            json!({"category": "legal_advice", "title": "咨询遗产继承", "description": "", "address": address}),
        )
        .await
        .1["id"]
        .as_i64()
        .expect("id");
    let cand = get_in(&app, &app.admin, &format!("/requests/{legal}/candidates"), "en").await;
    // Members' names are theirs; every reason and word around them is English.
    let text = own_words(&cand.to_string(), &people);
    assert!(!cjk(&text), "candidates in English: {cand}");
}
both_backends!(english_reader_sees_no_chinese_but_what_people_wrote);
