//! Integration tests, one binary with a module per concern. No test
//! touches the internet.

mod action;
mod architecture;
mod archive;
mod attribution;
mod bad_input;
mod cache;
mod cli;
mod docs;
mod extraction;
mod fetching;
mod fix;
mod fleet;
mod hostile;
mod interrupt;
mod no_network;
mod office;
mod office_writer;
mod pdf;
mod pdf_writer;
mod preserve;
mod published;
mod quotes;
mod readme;
mod reports;
mod script_pages;
mod server;
mod shard;
mod sites;
mod support;
mod words;
