GREETING = "hello from poetry"
