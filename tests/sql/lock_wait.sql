-- lock_wait: a query waiting for another process's build of the same index (its lock) stops
-- waiting when that build cannot end: a builder stopped for 5 s (Ctrl-Z in its shell, a
-- debugger) is an error naming its process; once resumed, the builder finishes as usual.
-- (Waiting is interruptible too: sql:concurrent, sql:interrupt.)
.shell cp http_get_simple__zeek.pcap stopped.pcap
.shell bash "$TEST_DIR/lock_wait.sh" stopped.pcap
