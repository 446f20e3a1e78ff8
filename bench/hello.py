"""The baseline for bench/pages.py: the least a Flask app served by gunicorn can do."""

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return "hello"
