//! The two written forms of a record: Pulumi's audit log event as one JSON line, and CEF.

use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use super::{DecisionRecord, RecordKind};

impl DecisionRecord<'_> {
    /// The event type: `auth-failure-…` for a refusal (as Pulumi names its "Auth Failure"
    /// events), else what was decided.
    pub fn event(&self) -> String {
        let what = match self.kind {
            RecordKind::Check | RecordKind::Explain | RecordKind::Evaluate => "authorization".to_string(),
            RecordKind::Authenticate => "token-authentication".to_string(),
            RecordKind::Manage => self.action.replace(['_', ':'], "-"),
        };
        if self.allowed { what } else { format!("auth-failure-{what}") }
    }

    /// A whole sentence saying what was decided.
    pub fn description(&self) -> String {
        let who = match (&self.user, &self.token_name, &self.token_id) {
            (Some(user), _, _) => format!("`{user}`"),
            (None, Some(name), _) => format!("token `{name}`"),
            (None, None, Some(id)) => format!("token `{id}`"),
            (None, None, None) => "An unknown principal".to_string(),
        };
        let codes = self.reasons.join(", ");
        match (self.kind, self.allowed) {
            (RecordKind::Authenticate, true) => format!("Auth success: {who} presented a valid token."),
            (RecordKind::Authenticate, false) => format!("Auth Failure: a credential was refused ({codes})."),
            (RecordKind::Manage, true) => format!("{who} applied `{}` on `{}`.", self.action, self.resource),
            (RecordKind::Manage, false) => {
                format!("Auth Failure: {who} was refused `{}` on `{}` ({codes}).", self.action, self.resource)
            }
            (_, true) => format!("{who} was allowed `{}` on `{}` ({codes}).", self.action, self.resource),
            (_, false) => {
                format!("Auth Failure: {who} was denied `{}` on `{}` ({codes}).", self.action, self.resource)
            }
        }
    }

    /// The record as a Pulumi audit log event: `timestamp`, `sourceIP` (when known), `event`,
    /// `description`, `user` (`githubLogin`), `actorName`, `tokenID`, `tokenName`,
    /// `reqOrgAdmin`, `reqStackAdmin`, `authFailure`, and scopegate's own fields `action`,
    /// `resource`, `allowed`, `reasons`, `revision`, `requestID`.
    pub fn to_audit_event(&self) -> Value {
        let mut event = Map::new();
        event.insert("timestamp".into(), json!(self.timestamp));
        if let Some(ip) = &self.source_ip {
            event.insert("sourceIP".into(), json!(ip));
        }
        event.insert("event".into(), json!(self.event()));
        event.insert("description".into(), json!(self.description()));
        if let Some(user) = &self.user {
            event.insert("user".into(), json!({ "name": user, "githubLogin": user }));
        }
        let actor = self.user.as_ref().or(self.token_name.as_ref()).or(self.token_id.as_ref());
        if let Some(actor) = actor {
            event.insert("actorName".into(), json!(actor));
        }
        if let Some(id) = &self.token_id {
            event.insert("tokenID".into(), json!(id));
        }
        if let Some(name) = &self.token_name {
            event.insert("tokenName".into(), json!(name));
        }
        event.insert("reqOrgAdmin".into(), json!(self.req_org_admin));
        event.insert("reqStackAdmin".into(), json!(self.req_stack_admin));
        if !self.allowed {
            event.insert("authFailure".into(), json!(true));
        }
        event.insert("action".into(), json!(self.action));
        event.insert("resource".into(), json!(self.resource));
        event.insert("allowed".into(), json!(self.allowed));
        event.insert("reasons".into(), json!(self.reasons));
        event.insert("revision".into(), json!(self.revision));
        if let Some(id) = &self.request_id {
            event.insert("requestID".into(), json!(id));
        }
        Value::Object(event)
    }

    /// The audit event as one line of JSON, with its newline.
    pub fn to_json_line(&self) -> String {
        let mut line = self.to_audit_event().to_string();
        line.push('\n');
        line
    }

    /// The record as a CEF line: `CEF:0|Pulumi|scopegate|<version>|<event>|<description>|<severity>|`
    /// then `rt` (milliseconds), `src`, `suser`, `cs1` (token id), `cs2` (token name), `act`,
    /// `request` (resource), `outcome`, `reason`, `cn1` (revision) and `externalId` (request id).
    /// Severity is 3 for an allowed decision and 7 for a refusal.
    pub fn to_cef(&self) -> String {
        let severity = if self.allowed { 3 } else { 7 };
        let mut line = format!(
            "CEF:0|Pulumi|scopegate|{}|{}|{}|{severity}|",
            header(env!("CARGO_PKG_VERSION")),
            header(&self.event()),
            header(&self.description()),
        );
        let mut ext: Vec<(&str, String)> = vec![("rt", self.timestamp.saturating_mul(1000).to_string())];
        if let Some(ip) = &self.source_ip {
            ext.push(("src", ip.to_string()));
        }
        if let Some(user) = &self.user {
            ext.push(("suser", user.to_string()));
        }
        if let Some(id) = &self.token_id {
            ext.push(("cs1Label", "tokenID".into()));
            ext.push(("cs1", id.to_string()));
        }
        if let Some(name) = &self.token_name {
            ext.push(("cs2Label", "tokenName".into()));
            ext.push(("cs2", name.to_string()));
        }
        ext.push(("act", self.action.to_string()));
        ext.push(("request", self.resource.to_string()));
        ext.push(("outcome", if self.allowed { "allowed" } else { "denied" }.into()));
        ext.push(("reason", self.reasons.join(",")));
        ext.push(("cn1Label", "revision".into()));
        ext.push(("cn1", self.revision.to_string()));
        if let Some(id) = &self.request_id {
            ext.push(("externalId", id.to_string()));
        }
        let mut first = true;
        for (key, value) in ext {
            if !first {
                line.push(' ');
            }
            first = false;
            let _ = write!(line, "{key}={}", extension(&value));
        }
        line
    }
}

/// A CEF header field: `\` and `|` escaped, line breaks as spaces (headers are one line).
pub(crate) fn header(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '|' => out.push_str("\\|"),
            '\r' | '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A CEF extension value: `\`, `=` escaped, line breaks as `\n` and `\r`.
pub(crate) fn extension(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '=' => out.push_str("\\="),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{extension, header};

    #[test]
    fn cef_fields_escape_their_separators() {
        assert_eq!(header("a|b\\c\nd"), "a\\|b\\\\c d");
        assert_eq!(extension("k=v\\x\ny\r"), "k\\=v\\\\x\\ny\\r");
    }
}
