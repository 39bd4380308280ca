-- bad_column
SELECT nope FROM packets(@capture);
