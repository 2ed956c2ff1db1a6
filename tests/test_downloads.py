"""The download routes, through Flask's test client: files from links, hostile links included."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from experiments import run
from experiments.lessons import LESSONS, lesson_link
from experiments.url import parse


class ClosingClient:
    """Reads each response whole and closes it, as a browser and a WSGI server do (a download's place in the
    worker is freed on close). `raw` is Flask's client, for responses left open on purpose."""

    def __init__(self, raw) -> None:
        self.raw = raw

    def get(self, url: str):
        response = self.raw.get(url)
        response.get_data()
        response.close()
        return response


@pytest.fixture(scope="module")
def client():
    from ui import create_app

    return ClosingClient(create_app().server.test_client())


def test_csv_is_every_step_of_every_run(client):
    link = "surface=saddle&steps=80&opt=gd(lr=0.05)&opt=sgd(lr=0.05,noise=0.1)&step=12&lang=zh-CN"
    response = client.get("/download.csv?" + link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="descent-lab-saddle.csv"' in response.headers["Content-Disposition"]
    table = pd.read_csv(io.BytesIO(response.data))
    expected = run(parse(link)[0]).to_frame()
    assert list(table.columns) == list(expected.columns) and len(table) == 2 * 81
    np.testing.assert_allclose(table["y"].to_numpy(), expected["y"].to_numpy(), rtol=1e-15)


def test_csv_streams_in_chunks_with_one_header(client, monkeypatch):
    monkeypatch.setattr("ui.downloads.CSV_CHUNK_ROWS", 7)
    response = client.get("/download.csv?surface=ellipse&steps=30&opt=gd(lr=0.01)")
    lines = response.data.decode().splitlines()
    assert len(lines) == 1 + 31 and sum(line.startswith("run,") for line in lines) == 1


def test_html_of_a_lesson_has_its_title_and_caption_in_the_links_language(client):
    lesson = LESSONS["saddle"]
    response = client.get("/download.html?" + lesson_link(lesson) + "&lang=zh-TW")
    page = response.data.decode()
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert f"<title>{lesson.title['zh-TW']}</title>" in page and lesson.caption["zh-TW"] in page
    edited = client.get("/download.html?" + lesson_link(lesson).replace("noise=0.05", "noise=0.06")).data.decode()
    assert lesson.title["en"] not in edited and lesson.caption["en"] not in edited  # no longer the lesson's


@pytest.mark.parametrize("link", ["", "surface=nowhere&steps=abc", "%ff%fe=%00", "opt=" + "(" * 500,
                                  "lang=" + "x" * 5000, "lesson=../../etc/passwd&steps=1e400"])
def test_hostile_links_still_get_a_file(client, link):
    for kind in ("csv", "html"):
        response = client.get(f"/download.{kind}?{link}")
        assert response.status_code == 200, (kind, link)
        assert b"Traceback" not in response.data


def test_a_worker_writes_two_tables_at_once_and_asks_a_third_to_wait(client):
    link = "/download.csv?surface=ellipse&steps=50&opt=gd(lr=0.01)"
    first, second = client.raw.get(link), client.raw.get(link)
    try:
        assert first.status_code == second.status_code == 200
        third = client.get(link)
        assert third.status_code == 503 and third.headers["Retry-After"] == "5"
    finally:
        first.close()  # a finished or abandoned download frees its place
        second.close()
    assert client.get(link).status_code == 200


def test_frames_in_pieces_make_the_whole_table():
    result = run(parse("surface=saddle&steps=40&opt=gd(lr=0.05)&opt=adam(lr=0.05)")[0])
    pieces = list(result.frames(7))
    assert len(pieces) == 2 * 6 and all(len(p) <= 7 for p in pieces)
    pd.testing.assert_frame_equal(pd.concat(pieces, ignore_index=True), result.to_frame())


def test_the_html_of_a_paused_zoomed_page_opens_there_and_links_back_to_the_page(client):
    import html
    import json
    import re

    link = "surface=rosenbrock&steps=300&opt=adam(lr=0.05)&step=140&view=0.5,1.5,0.5,1.5"
    response = client.get("/download.html?" + link)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    figure = json.loads(re.search(r'<script type="application/json" id="figure-data">(.*?)</script>', page,
                                  re.S).group(1))
    assert figure["layout"]["xaxis"]["range"] == [0.5, 1.5]
    slider = figure["layout"]["sliders"][0]
    assert slider["steps"][slider["active"]]["label"] == "140"
    experiment, _ = parse(link)
    from experiments.url import View, to_query

    back = "http://localhost/?" + to_query(experiment, View(step=140, zoom=(0.5, 1.5, 0.5, 1.5)))
    assert f'<a href="{html.escape(back)}">' in page


def test_the_internals_csv_adds_each_steps_gradient_step_and_state(client):
    link = "surface=ellipse&steps=40&opt=adam(lr=0.1)&opt=newton(lr=0.5)"
    response = client.get("/download.internals.csv?" + link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "internals" in response.headers["Content-Disposition"]
    table = pd.read_csv(io.BytesIO(response.data))
    result = run(parse(link)[0])
    assert len(table) == sum(len(rr.points) for rr in result.runs)
    newton = table[table["run"] == 1]
    assert np.array_equal(newton[["direction_x", "direction_y"]].to_numpy(), result.runs[1].internals["direction"])
    assert newton[["exp_avg_x"]].isna().all().all()
    # A hostile link gets the repaired experiment's table.
    hostile = client.get("/download.internals.csv?steps=NaN&opt=adam(lr=inf)&%ff=%00")
    assert hostile.status_code == 200
    repaired = pd.read_csv(io.BytesIO(hostile.data))
    assert {"gx", "exp_avg_x"} <= set(repaired.columns) and len(repaired) > 1
