//! Transactions and row locks (PostgreSQL 15 semantics). Built under issue 4.
