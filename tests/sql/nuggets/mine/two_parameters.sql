-- two_parameters
SELECT count(*) FROM packets(@capture) WHERE id > :first;
