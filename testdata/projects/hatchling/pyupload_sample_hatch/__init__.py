GREETING = "hello from hatchling"
