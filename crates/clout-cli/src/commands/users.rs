//! `clout user ...` and `clout token ...`: the web app's accounts and API tokens, managed
//! by the operator (whoever holds the data directory acts as an admin here).

use std::io::{BufRead, IsTerminal, Write as _};
use std::process::ExitCode;

use anyhow::{Result, bail};
use clout_app::{Actor, AppConfig, Role};

use super::campaign::operator;
use super::{now, open_read, open_write};
use crate::cli::{RoleArg, TokenCommand, UserCommand};
use crate::output::{emit, table};

fn role(arg: RoleArg) -> Role {
    match arg {
        RoleArg::Admin => Role::Admin,
        RoleArg::Member => Role::Member,
        RoleArg::Viewer => Role::Viewer,
    }
}

/// One line of standard input (a prompt on the terminal first), without its line end.
fn read_password(prompt: &str) -> Result<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("{prompt} (typed characters are shown): ");
        std::io::stderr().flush().ok();
    }
    let mut line = String::new();
    stdin.lock().read_line(&mut line)?;
    let password = line.trim_end_matches(['\n', '\r']).to_string();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

/// A random password of four groups of five hex digits.
fn generated_password() -> Result<String> {
    let hex = clout_app::random_secret()?;
    Ok(hex.as_bytes().chunks(5).take(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-"))
}

pub(crate) fn user(config: AppConfig, cmd: UserCommand) -> Result<ExitCode> {
    if let UserCommand::List(args) = cmd {
        return open_read(config)?.read(|app| -> Result<ExitCode> {
            let users = app.users()?;
            let mut text = String::new();
            if args.json {
                for u in &users {
                    text.push_str(&format!("{}\n", clout_wire::line(&clout_wire::User::from(u))));
                }
            } else {
                let rows: Vec<Vec<String>> = users
                    .iter()
                    .map(|u| {
                        vec![
                            u.username.clone(),
                            u.role.as_str().to_string(),
                            if u.disabled { "disabled" } else { "active" }.to_string(),
                            clout_wire::dates::for_terminal(u.created_at),
                        ]
                    })
                    .collect();
                text.push_str(&table(&["USER", "ROLE", "STATE", "CREATED"], &rows, &[]));
            }
            emit(&text)?;
            Ok(ExitCode::SUCCESS)
        });
    }
    let op = operator();
    let by = Actor::Operator(&op);
    open_write(config, "clout user")?.write(|app| -> Result<ExitCode> {
        match cmd {
            UserCommand::List(_) => {}
            UserCommand::Create { name, role: r } => {
                let password = read_password(&format!("Password for {name}"))?;
                let u = app.create_user(by, name.trim(), &password, role(r), now())?;
                println!("created {} ({})", u.username, u.role.as_str());
            }
            UserCommand::Passwd { name } => {
                let password = read_password(&format!("New password for {name}"))?;
                app.reset_password(by, &name, &password)?;
                println!("set the password of {}; their sessions ended", name.trim());
            }
            UserCommand::Reset { name } => {
                let password = generated_password()?;
                app.reset_password(by, &name, &password)?;
                eprintln!("set a new password for {}; their sessions ended. It is shown once:", name.trim());
                println!("{password}");
            }
            UserCommand::Disable { name } => {
                let u = app.disable_user(by, &name, now())?;
                println!("disabled {}: their sessions ended and their tokens no longer work", u.username);
            }
            UserCommand::Enable { name } => {
                let u = app.enable_user(by, &name)?;
                println!("enabled {}", u.username);
            }
            UserCommand::Delete { name } => {
                app.delete_user(by, &name)?;
                println!("deleted {} with their sessions and tokens", name.trim());
            }
            UserCommand::Role { name, role: r } => {
                let u = app.set_role(by, &name, role(r))?;
                println!("{} is now {}", u.username, u.role.as_str());
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub(crate) fn token(config: AppConfig, cmd: TokenCommand) -> Result<ExitCode> {
    let op = operator();
    let by = Actor::Operator(&op);
    match cmd {
        TokenCommand::List { user, json } => {
            open_read(config)?.read(|app| -> Result<()> {
                let mut tokens = app.all_tokens(by)?;
                if let Some(name) = user {
                    let u = app.account(by, &name)?;
                    tokens.retain(|t| t.user_id == u.id);
                }
                let mut text = String::new();
                if json {
                    for t in &tokens {
                        text.push_str(&format!("{}\n", clout_wire::line(&clout_wire::Token::from(t))));
                    }
                } else {
                    let rows: Vec<Vec<String>> = tokens
                        .iter()
                        .map(|t| {
                            vec![
                                t.id.to_string(),
                                t.username.clone(),
                                t.name.clone(),
                                format!("{}…", t.prefix),
                                t.scope.clone(),
                                clout_wire::dates::for_terminal(t.created_at),
                                t.expires_at
                                    .map(clout_wire::dates::for_terminal)
                                    .unwrap_or_else(|| "never".to_string()),
                            ]
                        })
                        .collect();
                    text.push_str(&table(
                        &["ID", "USER", "NAME", "STARTS WITH", "SCOPE", "CREATED", "EXPIRES"],
                        &rows,
                        &[0],
                    ));
                }
                emit(&text)?;
                Ok(())
            })?;
        }
        TokenCommand::Revoke { id } => {
            open_write(config, "clout token revoke")?.write(|app| -> Result<()> {
                app.revoke_token(by, id)?;
                println!("revoked token {id}");
                Ok(())
            })?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
