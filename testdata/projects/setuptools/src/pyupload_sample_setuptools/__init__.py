GREETING = "hello from setuptools"
