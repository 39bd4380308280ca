-- temp_table
CREATE TEMP TABLE nugget_t AS SELECT id FROM packets(@capture);
SELECT count(*) FROM nugget_t;
DROP TABLE nugget_t;
