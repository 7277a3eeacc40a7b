//! Mail out: lettre over SMTP (`SMTP_URL`), or `.eml` files under
//! `data_dir/mail/` when no SMTP server is configured (the embedded default).

use crate::config::Settings;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::PathBuf;

/// One message to send.
pub struct Mail<'a> {
    pub message_id: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

#[derive(Clone)]
enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    File(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl Mailer {
    /// SMTP from `smtp_url`, else `.eml` files under `data_dir/mail/`.
    pub fn from_settings(s: &Settings) -> anyhow::Result<Mailer> {
        let from: Mailbox = s
            .mail_from
            .parse()
            .map_err(|e| anyhow::anyhow!("mail_from {:?}: {e}", s.mail_from))?;
        let transport = if s.smtp_url.is_empty() {
            // Created on the first mail, not at start-up.
            let dir = s.data_dir.join("mail");
            Transport::File(AsyncFileTransport::new(&dir), dir)
        } else {
            let t = AsyncSmtpTransport::<Tokio1Executor>::from_url(s.smtp_url.expose().trim())
                .map_err(|e| anyhow::anyhow!("SMTP_URL: {e}"))?
                .timeout(Some(std::time::Duration::from_secs(20)))
                .build();
            Transport::Smtp(t)
        };
        Ok(Mailer { transport, from })
    }

    /// Where mail goes, for the start-up banner.
    pub fn describe(&self) -> String {
        match &self.transport {
            Transport::Smtp(_) => "SMTP".into(),
            Transport::File(_, dir) => format!("files in {}", dir.display()),
        }
    }

    /// Sends one mail. `message_id` names the outbox row it comes from, so a
    /// receiver can drop a repeat (delivery is at least once).
    pub async fn send(&self, mail: &Mail<'_>) -> anyhow::Result<()> {
        let to: Mailbox = mail.to.parse()?;
        let msg = Message::builder()
            .message_id(Some(mail.message_id.to_owned()))
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.to_owned())
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.to_owned())?;
        match &self.transport {
            Transport::Smtp(t) => {
                t.send(msg).await?;
            }
            Transport::File(t, dir) => {
                tokio::fs::create_dir_all(dir).await?;
                t.send(msg).await?;
            }
        }
        Ok(())
    }
}
