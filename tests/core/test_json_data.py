import json
import re

from django.template import Context, Template

from app.core.templatetags.sanad_json import json_data


def test_json_data_keeps_persian_readable_and_cannot_close_its_script():
    value = {"text": "گفت‌وگو 🚇 </script><script>alert(1)</script> & <!--", "n": 3}
    html = str(json_data(value, "data"))
    assert html.startswith('<script id="data" type="application/json">')
    body = re.fullmatch(r'<script id="data" type="application/json">(.*)</script>', html).group(1)
    assert "</" not in body and "<" not in body and "&" not in body
    assert "گفت‌وگو 🚇" in body  # not \\uXXXX escapes
    assert json.loads(body) == value


def test_json_data_escapes_an_element_id_that_is_not_template_text():
    html = str(json_data(1, 'a" onload="x'))
    assert 'onload="x"' not in html and "&quot;" in html


def test_the_filter_works_in_templates():
    html = Template('{% load sanad_json %}{{ v|json_data:"claims" }}').render(Context({"v": [1]}))
    assert html == '<script id="claims" type="application/json">[1]</script>'
