GREETING = "hello from pdm"
