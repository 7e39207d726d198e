DROP INDEX startups_listed_by_creation;
DROP INDEX startups_listed_by_name;
