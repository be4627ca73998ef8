"""Persian search through package_search, on datasets made with the action API."""
import pytest

from ckan.tests import factories, helpers


def _search(**kw):
    return helpers.call_action("package_search", **kw)


def _names(result):
    return {r["name"] for r in result["results"]}


@pytest.fixture
def persian_datasets(clean_db, clean_index):
    org = factories.Organization(name="tabriz", title="شهرداری تبریز")
    return {
        "arabic-letters": factories.Dataset(
            name="arabic-letters", owner_org=org["id"],
            title="قراردادهاي شهرداري كرمان", notes="جدول بودجة سال ١٤٠٣"),
        "zwnj": factories.Dataset(
            name="zwnj", owner_org=org["id"], title="گزارش عملکرد",
            notes="این فهرست هر ماه به‌روز می‌شود"),
        "joined": factories.Dataset(
            name="joined", owner_org=org["id"], title="پروانه‌های ساختمانی",
            notes="داده‌ها هر هفته بروز میشود"),
        "spaced": factories.Dataset(
            name="spaced", owner_org=org["id"], title="مجوزهای کسب",
            notes="فهرست مجوزها منتشر می شود"),
    }


@pytest.mark.parametrize("query", ["قراردادهای", "قراردادهاي", "قراردادها"])
def test_arabic_and_persian_yeh_find_each_other(persian_datasets, query):
    assert "arabic-letters" in _names(_search(q=query))


@pytest.mark.parametrize("query", ["کرمان", "كرمان"])
def test_arabic_and_persian_kaf_find_each_other(persian_datasets, query):
    assert _names(_search(q=query)) == {"arabic-letters"}


@pytest.mark.parametrize("query", ["1403", "۱۴۰۳", "١٤٠٣"])
def test_digits_in_any_script(persian_datasets, query):
    assert _names(_search(q=query)) == {"arabic-letters"}


def test_teh_marbuta_folds_to_heh(persian_datasets):
    assert _names(_search(q="بودجه")) == {"arabic-letters"}


@pytest.mark.parametrize("query", ["می‌شود", "میشود", "می شود", '"می شود"', '"می‌شود"'])
def test_zwnj_joined_and_spaced_forms_find_each_other(persian_datasets, query):
    assert _names(_search(q=query)) == {"zwnj", "joined", "spaced"}


def test_singular_finds_plural(persian_datasets):
    assert {"arabic-letters"} <= _names(_search(q="قرارداد"))
    assert {"spaced"} <= _names(_search(q="مجوز"))


def test_fielded_persian_query(persian_datasets):
    assert _names(_search(q="title:كرمان")) == {"arabic-letters"}
    assert _names(_search(q="notes:بودجه")) == {"arabic-letters"}


def test_title_match_ranks_above_notes_match(clean_db, clean_index):
    factories.Dataset(name="in-notes", title="گزارش سالانه",
                      notes="شامل همه قراردادهای عمرانی")
    factories.Dataset(name="in-resource", title="گزارش ماهانه",
                      resources=[{"url": "http://127.0.0.1/x.csv",
                                  "name": "قراردادهای عمرانی"}])
    factories.Dataset(name="in-title", title="قراردادهای عمرانی",
                      notes="گزارش")
    result = _search(q="قراردادهای عمرانی")
    names = [r["name"] for r in result["results"]]
    assert names[0] == "in-title"
    assert set(names) == {"in-notes", "in-resource", "in-title"}
    assert names.index("in-notes") < names.index("in-resource")
