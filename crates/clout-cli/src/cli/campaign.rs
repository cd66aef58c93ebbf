//! The arguments of `clout campaign` (the brief, members, fees, deliverables, the
//! report) and `clout creator` (contacts, tags, notes).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::JsonArg;
use super::price::{DeliverableArg, GoalArg};

#[derive(Debug, Subcommand)]
pub(crate) enum CampaignCommand {
    /// Create a campaign, from scratch or from `clout plan --json` output (--from-plan).
    Create(Box<CampaignCreateArgs>),
    /// Every campaign.
    List(JsonArg),
    /// One campaign: brief, members with stage and fee, deliverables, stage history.
    Show {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Add a creator (at `prospect`, or --stage).
    Add {
        name: String,
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        /// The agreed fee, in the campaign's currency.
        #[arg(long, value_name = "AMOUNT")]
        fee: Option<String>,
        #[arg(long, value_name = "STAGE")]
        stage: Option<String>,
    },
    /// Take a creator out of the campaign.
    Remove {
        name: String,
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
    },
    /// Move a creator to a stage: prospect, contacted, negotiating, contracted, content_live,
    /// paid or declined (contracted and later need an agreed fee).
    Stage {
        name: String,
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        stage: String,
    },
    /// Set a creator's agreed fee (in the campaign's currency).
    Fee {
        name: String,
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        #[arg(value_name = "AMOUNT")]
        fee: String,
    },
    /// Add a deliverable for a creator; prints its id.
    Deliverable {
        name: String,
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        #[arg(long = "type", value_enum, default_value = "post")]
        kind: DeliverableArg,
        /// Due date (YYYY-MM-DD or RFC 3339).
        #[arg(long, value_name = "DATE")]
        due: Option<String>,
    },
    /// Link a deliverable to its post, by post id or URL; its counts come from imports.
    Link {
        name: String,
        #[arg(value_name = "DELIVERABLE")]
        deliverable: i64,
        #[arg(value_name = "POST_ID_OR_URL")]
        post: String,
    },
    /// Cancel a deliverable.
    Cancel {
        name: String,
        #[arg(value_name = "DELIVERABLE")]
        deliverable: i64,
    },
    /// The report: per creator and in total.
    Report {
        name: String,
        #[arg(long, conflicts_with = "csv")]
        json: bool,
        /// One CSV line per creator, then a totals line.
        #[arg(long)]
        csv: bool,
    },
    /// Change the brief: only the fields given change.
    Edit(Box<CampaignEditArgs>),
    /// Delete a campaign with its members and deliverables (conversions stay).
    Delete { name: String },
}

#[derive(Debug, Args)]
pub(crate) struct CampaignCreateArgs {
    pub(crate) name: String,
    /// The budget (default: the plan's, with --from-plan).
    #[arg(long, value_name = "AMOUNT")]
    pub(crate) budget: Option<String>,
    /// Default: the plan's, else the rate card's.
    #[arg(long, value_name = "C")]
    pub(crate) currency: Option<String>,
    #[arg(long, value_enum, default_value = "engagements")]
    pub(crate) goal: GoalArg,
    #[arg(long, value_name = "N")]
    pub(crate) niche: Option<String>,
    /// First day (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "DATE")]
    pub(crate) starts: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub(crate) ends: Option<String>,
    /// Key messages of the brief.
    #[arg(long, value_name = "TEXT", default_value = "")]
    pub(crate) messages: String,
    /// What every delivered post must carry; posts without it are flagged.
    #[arg(long, value_name = "TEXT", default_value = "#ad")]
    pub(crate) disclosure: String,
    /// A plan (`clout plan --json` output): its picks become prospects with their price and
    /// expected engagements.
    #[arg(long, value_name = "FILE")]
    pub(crate) from_plan: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CreatorCommand {
    /// Contacts, tags, notes and campaigns of a creator.
    Show {
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        #[arg(long)]
        json: bool,
    },
    /// Save contacts and tags. Every option is optional: only the fields given change.
    Set {
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        /// The creator's email address (optional).
        #[arg(long, value_name = "ADDRESS")]
        email: Option<String>,
        /// The creator's phone number (optional).
        #[arg(long, value_name = "NUMBER")]
        phone: Option<String>,
        /// The creator's agent or agency (optional).
        #[arg(long, value_name = "NAME")]
        agent: Option<String>,
        /// Comma-separated tags, replacing the creator's tags (optional).
        #[arg(long, value_name = "TAG,TAG")]
        tags: Option<String>,
    },
    /// Add a dated note.
    Note {
        #[arg(value_name = "PLATFORM/HANDLE")]
        channel: String,
        text: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct CampaignEditArgs {
    pub(crate) name: String,
    /// A new name.
    #[arg(long, value_name = "NAME")]
    pub(crate) rename: Option<String>,
    #[arg(long, value_name = "AMOUNT")]
    pub(crate) budget: Option<String>,
    /// A new currency (only while no fee is recorded in the old one).
    #[arg(long, value_name = "C")]
    pub(crate) currency: Option<String>,
    #[arg(long, value_enum)]
    pub(crate) goal: Option<GoalArg>,
    #[arg(long, value_name = "N")]
    pub(crate) niche: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub(crate) starts: Option<String>,
    #[arg(long, value_name = "DATE")]
    pub(crate) ends: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub(crate) messages: Option<String>,
    #[arg(long, value_name = "TEXT")]
    pub(crate) disclosure: Option<String>,
}
