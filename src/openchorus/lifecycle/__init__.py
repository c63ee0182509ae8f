"""Invoice lifecycle (LIF): the status set, the transition table, and the only writer of a status."""
