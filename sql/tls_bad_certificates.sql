-- tls_bad_certificates.sql — hunt: TLS servers presenting a self-signed certificate, or a
-- certificate that had expired or was not yet valid when it crossed the wire: test and
-- malware servers, interception proxies, forgotten devices.
--
-- Usage:
--   sqlite3 -header -cmd '.load ./build/xtractr' -cmd ".parameter set @capture day1.pcapng" < sql/tls_bad_certificates.sql
--   SELECT result FROM xtractr_nugget('tls_bad_certificates', 'day1.pcapng');
--
-- How it works: every certificate of every TLS Certificate message (tls.handshake.certificate,
-- the DER bytes; position 0 is the server's own, then its chain) is walked, DER element by DER
-- element, to its issuer, validity and subject (RFC 5280: Certificate > tbsCertificate >
-- [version] serial signature issuer validity(notBefore notAfter) subject). The server's own
-- certificate is self-signed when its issuer and subject names are the same bytes (a root CA
-- sent further down a chain is self-signed by nature and not listed for it); any certificate
-- is expired or not yet valid when the frame's time is past its notAfter or before its notBefore
-- (UTCTime years 50-99 are 19xx, RFC 5280). The subject's and the issuer's common names are the
-- last commonName attribute of each Name (OID 2.5.4.3, the DER bytes 06 03 55 04 03 at an octet
-- boundary, right after its AttributeTypeAndValue's SEQUENCE header): its string decoded as
-- UTF8String, BMPString (UCS-2), UniversalString (UCS-4) or, for the others (PrintableString,
-- IA5String, TeletexString), one character per octet; NULL when the Name has none. One row per
-- certificate and frame, with the server name the client asked for (SNI) when the connection has one.
WITH RECURSIVE
  certificates AS MATERIALIZED (
    SELECT p.id AS frame, p.time, p.flow, p.src AS server, p.sport AS port, p.dst AS client, c.key AS position,
           lower(c.value) AS der
      FROM packets(@capture, 'tls.handshake.certificate:*') p, json_each(fields(p.doc, 'tls.handshake.certificate')) c),
  -- the value of each hex octet: '00' 0 ... 'ff' 255
  octet(h, v) AS (SELECT '00', 0 UNION ALL SELECT printf('%02x', v + 1), v + 1 FROM octet WHERE v < 255),
  -- one row per DER element on the way to the subject: its role and where it starts (a hex offset);
  -- the next element starts after this one's header (entered: the certificate, tbsCertificate,
  -- validity) or after its whole value (the others). Lengths: short form, or long form of 1-3 octets
  -- (anything else is no certificate's DER: its walk stops there).
  walk(frame, position, der, step, role, pos) AS (
    SELECT frame, position, der, 0, 'certificate', 1 FROM certificates
    UNION ALL
    SELECT frame, position, der, step + 1,
           CASE role WHEN 'certificate' THEN 'tbs' WHEN 'tbs' THEN 'first'
                     WHEN 'first' THEN CASE substr(der, pos, 2) WHEN 'a0' THEN 'serial' ELSE 'signature' END
                     WHEN 'serial' THEN 'signature' WHEN 'signature' THEN 'issuer' WHEN 'issuer' THEN 'validity'
                     WHEN 'validity' THEN 'not_before' WHEN 'not_before' THEN 'not_after'
                     WHEN 'not_after' THEN 'subject' ELSE 'end' END,
           pos + 2 * (CASE WHEN l0.v < 128 THEN 2 ELSE 2 + l0.v - 128 END)
               + CASE WHEN role IN ('certificate', 'tbs', 'validity') THEN 0
                      WHEN l0.v < 128 THEN 2 * l0.v
                      WHEN l0.v = 129 THEN 2 * l1.v
                      WHEN l0.v = 130 THEN 2 * (l1.v * 256 + l2.v)
                      WHEN l0.v = 131 THEN 2 * (l1.v * 65536 + l2.v * 256 + l3.v) END  -- else NULL: the walk stops
      FROM walk
      JOIN octet l0 ON l0.h = substr(der, pos + 2, 2)
      LEFT JOIN octet l1 ON l1.h = substr(der, pos + 4, 2)
      LEFT JOIN octet l2 ON l2.h = substr(der, pos + 6, 2)
      LEFT JOIN octet l3 ON l3.h = substr(der, pos + 8, 2)
     WHERE role <> 'end' AND pos < length(der)),
  -- each element's bytes (hex), up to where the next one starts
  elements AS MATERIALIZED (
    SELECT frame, position, role, substr(der, pos, lead(pos) OVER (PARTITION BY frame, position ORDER BY step) - pos) AS tlv
      FROM walk),
  -- the digits of a UTCTime (tag 17, YYMMDDHHMMSSZ) or GeneralizedTime (tag 18, YYYYMMDDHHMMSSZ):
  -- ASCII digits 0x30-0x39, so the second hex digit of each octet of the value
  asn1_time(frame, position, role, tag, value, i, digits) AS (
    SELECT frame, position, role, substr(tlv, 1, 2), substr(tlv, 5), 0, '' FROM elements
     WHERE role IN ('not_before', 'not_after')
    UNION ALL
    SELECT frame, position, role, tag, value, i + 1, digits || substr(value, 2 * i + 2, 1) FROM asn1_time
     WHERE substr(value, 2 * i + 1, 1) = '3' AND i < 14),
  times AS (
    SELECT frame, position, role,
           CASE WHEN tag = '17' THEN CASE WHEN substr(digits, 1, 2) < '50' THEN '20' ELSE '19' END ELSE '' END || digits AS d
      FROM asn1_time a
     WHERE i = (SELECT max(i) FROM asn1_time b WHERE b.frame = a.frame AND b.position = a.position AND b.role = a.role)),
  -- the last commonName of each issuer and subject: a scan for the OID's bytes (at: the next match,
  -- 0 when none is left; last: the last match at an octet boundary after a SEQUENCE header)
  cn_scan(frame, position, role, tlv, at, last) AS (
    SELECT frame, position, role, tlv, instr(tlv, '0603550403'), 0 FROM elements WHERE role IN ('issuer', 'subject')
    UNION ALL
    SELECT frame, position, role, tlv,
           CASE WHEN instr(substr(tlv, at + 1), '0603550403') > 0 THEN at + instr(substr(tlv, at + 1), '0603550403') ELSE 0 END,
           CASE WHEN at % 2 = 1 AND substr(tlv, at - 4, 2) = '30' THEN at ELSE last END
      FROM cn_scan WHERE at > 0),
  -- its string: the tag, then a short-form length or a long one of 1 octet (81 LL), then the octets
  cn_value(frame, position, role, tag, hex) AS (
    SELECT frame, position, role, substr(tlv, last + 10, 2),
           CASE WHEN l.v < 128 THEN substr(tlv, last + 14, 2 * l.v) WHEN l.v = 129 THEN substr(tlv, last + 16, 2 * l1.v) END
      FROM cn_scan JOIN octet l ON l.h = substr(tlv, last + 12, 2) LEFT JOIN octet l1 ON l1.h = substr(tlv, last + 14, 2)
     WHERE at = 0 AND last > 0),
  -- decoded character by character (i: the hex offset of the next one)
  cn_text(frame, position, role, tag, hex, i, text) AS (
    SELECT frame, position, role, tag, hex, 1, '' FROM cn_value WHERE hex IS NOT NULL
    UNION ALL
    SELECT frame, position, role, tag, hex,
           i + CASE WHEN tag = '1e' THEN 4 WHEN tag = '1c' THEN 8 WHEN tag <> '0c' OR b0.v < 192 THEN 2
                    WHEN b0.v < 224 THEN 4 WHEN b0.v < 240 THEN 6 ELSE 8 END,
           text || char(CASE WHEN tag = '1e' THEN b0.v * 256 + coalesce(b1.v, 0)
                             WHEN tag = '1c' THEN ((b0.v * 256 + coalesce(b1.v, 0)) * 256 + coalesce(b2.v, 0)) * 256 + coalesce(b3.v, 0)
                             WHEN tag <> '0c' OR b0.v < 192 THEN b0.v
                             WHEN b0.v < 224 THEN (b0.v - 192) * 64 + coalesce(b1.v, 128) - 128
                             WHEN b0.v < 240 THEN ((b0.v - 224) * 64 + coalesce(b1.v, 128) - 128) * 64 + coalesce(b2.v, 128) - 128
                             ELSE (((b0.v - 240) * 64 + coalesce(b1.v, 128) - 128) * 64 + coalesce(b2.v, 128) - 128) * 64
                                  + coalesce(b3.v, 128) - 128 END)
      FROM cn_text
      JOIN octet b0 ON b0.h = substr(hex, i, 2)
      LEFT JOIN octet b1 ON b1.h = substr(hex, i + 2, 2)
      LEFT JOIN octet b2 ON b2.h = substr(hex, i + 4, 2)
      LEFT JOIN octet b3 ON b3.h = substr(hex, i + 6, 2)
     WHERE i < length(hex)),
  common_names AS MATERIALIZED (SELECT frame, position, role, text FROM cn_text WHERE i > length(hex)),
  checked AS (
    SELECT c.frame, c.time, c.flow, c.server, c.port, c.client, c.position,
           (SELECT text FROM common_names n WHERE n.frame = c.frame AND n.position = c.position AND n.role = 'subject') AS subject_cn,
           (SELECT text FROM common_names n WHERE n.frame = c.frame AND n.position = c.position AND n.role = 'issuer') AS issuer_cn,
           c.position = 0 AND i.tlv = s.tlv AS self_signed,
           (SELECT substr(d, 1, 4) || '-' || substr(d, 5, 2) || '-' || substr(d, 7, 2) || ' ' || substr(d, 9, 2) || ':' ||
                   substr(d, 11, 2) || ':' || substr(d, 13, 2)
              FROM times t WHERE t.frame = c.frame AND t.position = c.position AND t.role = 'not_before') AS not_before,
           (SELECT substr(d, 1, 4) || '-' || substr(d, 5, 2) || '-' || substr(d, 7, 2) || ' ' || substr(d, 9, 2) || ':' ||
                   substr(d, 11, 2) || ':' || substr(d, 13, 2)
              FROM times t WHERE t.frame = c.frame AND t.position = c.position AND t.role = 'not_after') AS not_after
      FROM certificates c
      JOIN elements i ON i.frame = c.frame AND i.position = c.position AND i.role = 'issuer'
      JOIN elements s ON s.frame = c.frame AND s.position = c.position AND s.role = 'subject')
SELECT frame, datetime(time, 'unixepoch') AS time, server, port, client, position, subject_cn, issuer_cn, self_signed,
       datetime(time, 'unixepoch') > not_after AS expired, datetime(time, 'unixepoch') < not_before AS not_yet_valid,
       not_before, not_after,
       (SELECT field(h.docref, 'tls.handshake.extensions_server_name') FROM packets(@capture, 'tls.handshake.type:1') h
         WHERE h.flow = checked.flow AND h.id < checked.frame ORDER BY h.id DESC LIMIT 1) AS server_name
  FROM checked
 WHERE self_signed OR datetime(time, 'unixepoch') > not_after OR datetime(time, 'unixepoch') < not_before
 ORDER BY frame, position;
