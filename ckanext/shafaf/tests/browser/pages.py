"""What the browser tests do on a page, as a user would (Selenium 4)."""
from __future__ import annotations

from typing import Any

from ckanext.shafaf.tests.web import PASSWORD


def wait(browser: Any, css: str, timeout: float = 20) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, timeout).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def find_all(browser: Any, css: str) -> list[Any]:
    from selenium.webdriver.common.by import By
    return browser.find_elements(By.CSS_SELECTOR, css)


def find(browser: Any, css: str) -> Any:
    from selenium.webdriver.common.by import By
    return browser.find_element(By.CSS_SELECTOR, css)


def click(browser: Any, element: Any) -> None:
    """Click a form button below the fold.

    CKAN's pages scroll inside <body>, where chromedriver's native click
    misses an element far down; the DOM click submits the form with the
    button's name and value, as a user's click does.
    """
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();",
                           element)


def assert_persian_rtl(browser: Any) -> None:
    html = find(browser, "html")
    assert html.get_attribute("dir") == "rtl"
    assert html.get_attribute("lang").startswith("fa")
    # CKAN's RTL theme (ckan.i18n.rtl_theme) and our stylesheet are on the page.
    hrefs = " ".join(link.get_attribute("href") or "" for link in find_all(browser, "link[rel=stylesheet]"))
    assert "main-rtl" in hrefs and "shafaf" in hrefs


def login(browser: Any, site: str, user: dict[str, Any]) -> None:
    browser.get(f"{site}/user/login")
    find(browser, "#field-login").send_keys(user["name"])
    find(browser, "#field-password").send_keys(PASSWORD)
    find(browser, "#field-password").submit()
    wait(browser, f"a[href*='/user/{user['name']}'], a[href*='/user/{user['id']}']")
