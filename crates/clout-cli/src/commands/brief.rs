//! `clout brief`: a brief in plain words, how it was read, and the creators who fit it
//! with the reason and the posts that show it; or the API's JSON.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;
use clout_app::{BriefRequest, Reader};
use clout_wire::dates::for_terminal as time;

use crate::cli::BriefArgs;
use crate::output::{emit, one_line, thousands};

pub(crate) fn run(app: &Reader<'_>, args: BriefArgs) -> Result<ExitCode> {
    let request = BriefRequest { text: args.brief.join(" "), limit: args.limit, offset: args.offset };
    if args.limit == 0 || args.limit > clout_app::MAX_BRIEF_LIMIT {
        anyhow::bail!("--limit: {} is out of range (1 to {})", args.limit, clout_app::MAX_BRIEF_LIMIT);
    }
    let r = app.brief(&request, super::now())?;
    if args.json {
        emit(&format!("{}\n", clout_wire::line(&clout_wire::Brief::from(&r))))?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    let understood: Vec<String> = r
        .brief
        .readings
        .iter()
        .map(|x| format!("\"{}\" → {}", x.words, clout_app::reading_label(&x.meaning)))
        .collect();
    let _ = writeln!(text, "Understood: {}", understood.join("; "));
    if !r.niches.is_empty() {
        let niches: Vec<String> =
            r.niches.iter().map(|n| format!("{} (from {})", n.name, n.evidence.join(", "))).collect();
        let _ = writeln!(text, "Niches the topics imply: {}", niches.join("; "));
    }
    for t in r.topics.iter().filter(|t| !t.similar.is_empty()) {
        let similar: Vec<String> = t.similar.iter().map(|(w, s)| format!("{w} ({s:.2})")).collect();
        let _ = writeln!(text, "Also searched for {}: {}", t.topic, similar.join(", "));
    }
    if r.brief.topics.is_empty() && r.brief.formats.is_empty() {
        let _ = writeln!(text, "No topic: the creators are the Directory's for these filters, in its order.");
    }
    let _ = writeln!(text);
    for (i, c) in r.creators.iter().enumerate() {
        let row = &c.channel.row;
        let name = row.name.as_deref().map(|n| format!("{n} ")).unwrap_or_default();
        let _ = writeln!(
            text,
            "{}. {name}({}/{}) · fit {:.2} · {} followers",
            args.offset + i + 1,
            row.platform,
            row.handle,
            c.fit,
            row.followers.map(thousands).unwrap_or_else(|| "-".into()),
        );
        let _ = writeln!(text, "   {}", c.reason);
        for p in &c.posts {
            let post = &p.post.found.post;
            let _ = writeln!(
                text,
                "   {}  {}  · {} engagements · {}",
                time(post.snapshot.published_at),
                one_line(post.caption.as_deref(), 60),
                thousands(p.post.engagements),
                if p.topics.is_empty() { "format".to_string() } else { p.topics.join(", ") },
            );
            if let Some(url) = &post.url {
                let _ = writeln!(text, "      {url}");
            }
        }
    }
    let shown = r.creators.len();
    let _ = writeln!(
        text,
        "{} of {} creators (from {})",
        shown,
        thousands(r.total),
        if shown == 0 { 0 } else { args.offset + 1 }
    );
    if !r.current {
        let _ = writeln!(
            text,
            "The post index does not hold every post yet (an import is running or was cut short): `clout recompute` brings it in step."
        );
    }
    emit(&text)?;
    Ok(ExitCode::SUCCESS)
}
