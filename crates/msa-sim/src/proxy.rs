//! Clients, the reverse proxy (nginx semantics) and backends. Built under issue 3.
