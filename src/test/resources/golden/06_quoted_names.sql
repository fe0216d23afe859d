-- Names that need quoting (spaces, capitals, quotes) travel as they are, in the table name and the columns.
CREATE TABLE golden."Order Items" ("Order Id" int, "line ""no""" int, "Qty" int, PRIMARY KEY ("Order Id", "line ""no"""));
-- capture
INSERT INTO golden."Order Items" VALUES (1, 1, 5);
UPDATE golden."Order Items" SET "Qty" = 6;
DELETE FROM golden."Order Items";

-> {"op":"c","table":"golden.Order Items","key":{"Order Id":1,"line \"no\"":1},"after":{"Order Id":1,"line \"no\"":1,"Qty":5}}
-> {"op":"u","table":"golden.Order Items","key":{"Order Id":1,"line \"no\"":1},"after":{"Order Id":1,"line \"no\"":1,"Qty":6}}
-> {"op":"d","table":"golden.Order Items","key":{"Order Id":1,"line \"no\"":1},"after":null}
