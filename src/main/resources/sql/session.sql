-- Every session cdc opens, on either side.
-- Values are read and written as text: fix the settings that text depends on (as the capture
-- triggers do on the source, see Table.rowSettings), so that the target's defaults change nothing.
SET IntervalStyle = 'postgres';
SET lc_monetary = 'C';
SET DateStyle = 'ISO, MDY';
-- A peer that vanished without closing the connection (a network cut, a machine gone) is noticed
-- by the server in about 25 s instead of TCP's two hours, and its session ends: a producer's
-- advisory lock is then free for a standby to take over, a consumer's locks for the others.
SET tcp_keepalives_idle = 10;
SET tcp_keepalives_interval = 5;
SET tcp_keepalives_count = 3;
