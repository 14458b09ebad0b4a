"""A real browser (Debian's headless Chromium, driven by Playwright) walks the demo storefront
from browse to a paid order (a declined card, then one that pays, at the demo's Stripe
stand-in): `python -m bootstrap serve` as `make run` starts it, the page on
http://localhost:<port> calling the API on http://localhost:<other port> — two origins of one
site, so the SameSite=Lax session cookie goes with every call — in a fresh profile. The cart
survives a reload. Skipped, saying why, where Chromium or Playwright cannot be had."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.chromium import LAUNCH_ARGS, ChromiumUnavailable, find_or_install_chromium
from tests.support.ports import free_port
from tests.support.service_process import ServiceProcess

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Error, Page, Request


@pytest.fixture(scope="session")
def chromium_executable() -> Path:
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("the browser test needs Playwright (pip: the dev extra's playwright)")
    try:
        return find_or_install_chromium()
    except ChromiumUnavailable as exc:
        pytest.skip(f"the browser test needs Chromium: {exc}")


@pytest.fixture
def chromium(chromium_executable: Path) -> Iterator[Browser]:
    # Function-scoped: Playwright's sync API keeps an event loop running in this thread for as
    # long as it is open, and the asyncio tests after this one need the thread to themselves.
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium_executable), args=LAUNCH_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def storefront(tmp_path: Path) -> Iterator[tuple[str, ServiceProcess]]:
    """The demo as `make run` serves it: no PUBLIC_URL, no CORS_ALLOWED_ORIGINS."""
    page_url = f"http://localhost:{free_port()}"
    env = {
        "DEMO_STOREFRONT": "true",
        "STOREFRONT_URL": page_url,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    with ServiceProcess(env) as service:
        yield page_url, service


def test_a_guest_buys_in_the_demo_storefront_and_the_cart_survives_a_reload(
    chromium: Browser, storefront: tuple[str, ServiceProcess]
) -> None:
    from playwright.sync_api import expect

    page_url, service = storefront
    api_url = f"http://localhost:{service.port}/graphql"
    context = chromium.new_context()  # a fresh profile: no cookies, no storage
    page: Page = context.new_page()
    page.set_default_timeout(10_000)
    api_calls: list[str] = []
    problems: list[str] = []

    def record_call(request: Request) -> None:
        if request.method == "POST":
            api_calls.append(request.url)

    def record_problem(error: Error) -> None:
        problems.append(str(error))

    page.on("request", record_call)
    page.on("pageerror", record_problem)
    cart_badge = page.get_by_label("items in cart")

    # Browse: a category, then search with a facet.
    page.goto(page_url)
    page.get_by_role("navigation", name="Categories").get_by_role("link", name="Women").click()
    expect(page.get_by_role("heading", name="Women")).to_be_visible()
    page.get_by_role("searchbox", name="Search products").fill("t-shirt")
    page.get_by_role("searchbox", name="Search products").press("Enter")
    page.get_by_role("checkbox", name=re.compile(r"^ ?blue \(")).check()
    expect(page).to_have_url(re.compile(r"color=blue"))

    # The product page: two of the chosen variant into the cart.
    page.get_by_role("link", name=re.compile("Classic T-Shirt")).first.click()
    expect(page.get_by_role("heading", name="Classic T-Shirt")).to_be_visible()

    # The header's pickers: shopping from the United States in dollars redraws the page with
    # the US price; back to Germany in euros.
    price = page.locator("main p.price")

    def choose(picker: str, value: str) -> None:
        # One change at a time: the next starts once the session has taken this one.
        with page.expect_response(lambda r: "SetShopperContext" in (r.request.post_data or "")):
            page.get_by_label(picker).select_option(value)

    choose("Country", "US")
    choose("Currency", "USD")
    expect(price).to_contain_text("$")
    choose("Country", "DE")
    choose("Currency", "EUR")
    expect(price).to_contain_text("€")
    page.get_by_label("Quantity").fill("2")
    page.get_by_role("button", name="Add to cart").click()
    expect(page.get_by_role("status")).to_contain_text("Added to your cart")
    expect(cart_badge).to_have_text("2")

    # The cart: one more, and the demo discount code.
    page.get_by_role("link", name=re.compile("^Cart")).click()
    page.get_by_role("spinbutton", name="Quantity of Classic T-Shirt").fill("3")
    page.get_by_role("spinbutton", name="Quantity of Classic T-Shirt").press("Enter")
    expect(cart_badge).to_have_text("3")
    page.get_by_role("textbox", name="Discount code").fill("DEMO10")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Code DEMO10: applied")).to_be_visible()

    # A reload starts the page afresh: only the session cookie knows the cart.
    page.reload()
    expect(page.get_by_role("spinbutton", name="Quantity of Classic T-Shirt")).to_have_value("3")
    expect(page.get_by_text("Code DEMO10: applied")).to_be_visible()

    # Checkout: address, shipping method, order.
    page.get_by_role("link", name="Checkout").click()
    address = page.get_by_role("form", name="Shipping address")
    for label, value in [
        ("E-mail", "guest@example.com"),
        ("First name", "Erika"),
        ("Last name", "Mustermann"),
        ("Street", "Torstraße"),
        ("Number", "1"),
        ("Postal code", "10119"),
        ("City", "Berlin"),
    ]:
        address.get_by_label(label, exact=True).fill(value)
    address.get_by_role("button", name="Use this address").click()
    page.get_by_role("radio", name=re.compile("Express")).check()
    expect(page.get_by_text("Shipping (Express)")).to_be_visible()

    # Pay with the demo's Stripe stand-in: a declined card first, then one that pays.
    payment = page.get_by_role("form", name="Payment")
    pay = payment.get_by_role("button", name=re.compile("^Pay .* and place order$"))
    payment.get_by_role("radio", name="Visa, declined").check()
    pay.click()
    expect(payment.get_by_role("alert")).to_contain_text("Your card was declined.")
    payment.get_by_role("radio", name="Visa, pays").check()
    pay.click()

    expect(page.get_by_role("heading", name="Thank you for your order")).to_be_visible()
    expect(page.get_by_text("Payment: Paid")).to_be_visible()
    line = "3 \N{MULTIPLICATION SIGN} Classic T-Shirt (TSHIRT-CLASSIC-BLUE-S)"
    expect(page.get_by_text(line)).to_be_visible()
    expect(page.get_by_text("Ships to Erika Mustermann")).to_be_visible()
    expect(cart_badge).to_have_text("0")

    assert problems == []
    # Every call went to the API by the page's own host name, never 127.0.0.1: GraphQL, and
    # the payment's confirmation at the demo's Stripe stand-in (as Stripe.js would).
    stand_in = f"http://localhost:{service.port}/_stripe/v1/payment_intents/"
    assert {url for url in api_calls if not url.startswith(stand_in)} == {api_url}
    assert sum(url.endswith("/confirm") for url in api_calls) == 2
    context.close()
