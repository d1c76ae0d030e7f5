//! Contention experiment (below).
