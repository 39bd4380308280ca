-- sip_calls.sql — SIP calls: one row per Call-ID that has an INVITE: caller, callee, when,
-- how the INVITE was answered, and how many SIP messages the call had.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/sip_calls.sql
--   SELECT section, result FROM xtractr_nugget('sip_calls', 'day1.pcapng');
--
-- How it works: the search (query 'sip.CSeq.method:*') finds every SIP message; those with a
-- sip.Call-ID are kept;
-- caller and callee are sip.from.user / sip.to.user of the first INVITE; the answer is the
-- highest final status (>= 200) of the responses whose CSeq method is INVITE.

SELECT NULL AS "## SIP calls";
WITH sip_messages AS MATERIALIZED (
  SELECT id, time, src, dst, field(doc, 'sip.Call-ID') AS call_id, field(doc, 'sip.Method') AS method,
         field(doc, 'sip.Status-Code') AS status, field(doc, 'sip.CSeq.method') AS cseq_method,
         field(doc, 'sip.from.user') AS from_user, field(doc, 'sip.to.user') AS to_user
    FROM packets(@capture, 'sip.CSeq.method:*') WHERE call_id IS NOT NULL)
SELECT i.call_id, i.from_user AS caller, i.to_user AS callee, i.src AS caller_address, i.dst AS callee_address,
       datetime(i.time, 'unixepoch') AS started,
       (SELECT max(status) FROM sip_messages r WHERE r.call_id = i.call_id AND r.cseq_method = 'INVITE' AND r.status >= 200)
         AS answer,
       (SELECT count(*) FROM sip_messages m WHERE m.call_id = i.call_id) AS messages
  FROM sip_messages i
 WHERE i.method = 'INVITE' AND i.id = (SELECT min(id) FROM sip_messages f WHERE f.call_id = i.call_id AND f.method = 'INVITE')
 ORDER BY i.id;
