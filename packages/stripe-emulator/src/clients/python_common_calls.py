"""Drives the emulator with Debian's official Stripe Python SDK (python3-stripe): the calls a shop
makes (catalog, customers, Checkout, refunds, subscriptions, invoices, errors) and a webhook
signature check. Usage: python3 python_common_calls.py <emulator url>. Prints `ok <step>` per
step and exits non-zero at the first mismatch. Run by python-sdk.test.ts."""
import http.server
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import stripe

stripe.api_key = "sk_test_python_client"
stripe.api_base = sys.argv[1]
stripe.max_network_retries = 0

received = []


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"])).decode()
        received.append((body, self.headers["Stripe-Signature"]))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def step(name):
    print("ok", name, flush=True)


server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=server.serve_forever, daemon=True).start()
endpoint = stripe.WebhookEndpoint.create(
    url="http://127.0.0.1:%d/hook" % server.server_port, enabled_events=["customer.created"]
)

# Catalog: booleans go out as True / False, lists as indexed keys.
product = stripe.Product.create(name="Python plan", active=True)
assert product.active is True
hidden = stripe.Product.create(name="Hidden", active=False)
assert hidden.active is False
price = stripe.Price.create(
    product=product.id,
    currency="usd",
    unit_amount=1500,
    recurring={"interval": "month"},
    lookup_key="py_monthly",
)
assert stripe.Price.list(lookup_keys=["py_monthly"]).data[0].id == price.id
one_time = stripe.Price.create(product=product.id, currency="usd", unit_amount=700)
step("catalog")

customer = stripe.Customer.create(email="py@example.com", name="Py", metadata={"source": "python"})
customer = stripe.Customer.modify(customer.id, name="Python")
assert customer.name == "Python" and customer.metadata["source"] == "python"
card = stripe.PaymentMethod.attach("pm_card_visa", customer=customer.id)
stripe.Customer.modify(customer.id, invoice_settings={"default_payment_method": card.id})
step("customers")

session = stripe.checkout.Session.create(
    mode="payment",
    line_items=[{"price": one_time.id, "quantity": 2}],
    success_url="http://shop.test/ok?session_id={CHECKOUT_SESSION_ID}",
    allow_promotion_codes=False,
)
assert session.amount_total == 1400 and session.url


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


form = urllib.parse.urlencode(
    {
        "email": "py@example.com",
        "cardNumber": "4242 4242 4242 4242",
        "cardExpiry": "12 / 40",
        "cardCvc": "123",
        "cardName": "Py",
    }
).encode()
try:
    urllib.request.build_opener(NoRedirect).open(session.url, form)
    raise AssertionError("the hosted page should redirect")
except urllib.error.HTTPError as err:
    assert err.code == 303, err.code
session = stripe.checkout.Session.retrieve(session.id, expand=["payment_intent"])
assert session.status == "complete" and session.payment_intent.status == "succeeded"
step("checkout")

refund = stripe.Refund.create(payment_intent=session.payment_intent.id, amount=400)
assert refund.status == "succeeded" and refund.amount == 400
step("refunds")

sub = stripe.Subscription.create(
    customer=customer.id, items=[{"price": price.id}], expand=["latest_invoice"]
)
assert sub.status == "active" and sub.latest_invoice.status == "paid"
sub = stripe.Subscription.modify(sub.id, cancel_at_period_end=True)
assert sub.cancel_at_period_end is True
sub = stripe.Subscription.modify(sub.id, cancel_at_period_end=False)
assert sub.cancel_at_period_end is False
step("subscriptions")

stripe.InvoiceItem.create(customer=customer.id, amount=2500, currency="usd", description="Setup")
invoice = stripe.Invoice.create(customer=customer.id, pending_invoice_items_behavior="include", auto_advance=False)
invoice = stripe.Invoice.finalize_invoice(invoice.id)
assert invoice.status == "open" and invoice.hosted_invoice_url and invoice.invoice_pdf
invoice = stripe.Invoice.pay(invoice.id)
assert invoice.status == "paid" and invoice.amount_paid == 2500
assert any(i.id == invoice.id for i in stripe.Invoice.list(customer=customer.id).auto_paging_iter())
step("invoices")

vat = stripe.TaxRate.create(display_name="VAT", percentage="20", inclusive=False)
stripe.InvoiceItem.create(customer=customer.id, amount=1999, currency="usd", tax_rates=[vat.id])
invoice = stripe.Invoice.create(customer=customer.id, pending_invoice_items_behavior="include")
assert invoice.total == 2399 and invoice.total_excluding_tax == 1999, invoice.total
assert invoice.total_taxes[0].amount == 400 and invoice.lines.data[0].taxes[0].tax_rate_details.tax_rate == vat.id
step("tax rates")

# Older clients: a card source on the customer, a schedule that starts later, a customer coupon.
legacy = stripe.Customer.create(source="tok_visa", coupon=stripe.Coupon.create(percent_off=10, duration="forever").id)
assert legacy.default_source.startswith("card_") and legacy.discount.source.coupon
source = stripe.Customer.retrieve_source(legacy.id, legacy.default_source)
assert source.last4 == "4242" and source.brand == "Visa"
schedule = stripe.SubscriptionSchedule.create(
    customer=legacy.id,
    start_date=int(time.time()) + 30 * 86400,
    phases=[{"items": [{"price": price.id}], "duration": {"interval": "month", "interval_count": 1}}],
)
assert schedule.status == "not_started" and schedule.subscription is None
schedule = stripe.SubscriptionSchedule.cancel(schedule.id)
assert schedule.status == "canceled"
now_sub = stripe.Subscription.create(customer=legacy.id, items=[{"price": price.id}], expand=["latest_invoice"])
assert now_sub.latest_invoice.amount_paid == 1350, now_sub.latest_invoice.amount_paid
step("legacy sources, schedules and customer discounts")

try:
    stripe.Customer.retrieve("cus_missing")
    raise AssertionError("expected a 404")
except stripe.error.InvalidRequestError as err:
    assert err.http_status == 404 and err.code == "resource_missing"
try:
    stripe.PaymentMethod.attach("pm_card_chargeDeclined", customer=customer.id)
    raise AssertionError("expected a decline")
except stripe.error.CardError as err:
    assert err.code == "card_declined"
step("errors")

deadline = time.time() + 15
while not received and time.time() < deadline:
    time.sleep(0.05)
body, signature = received[0]
event = stripe.Webhook.construct_event(body, signature, endpoint.secret)
assert event.type == "customer.created"
try:
    stripe.Webhook.construct_event(body, signature, "whsec_wrong")
    raise AssertionError("a wrong secret must not verify")
except stripe.error.SignatureVerificationError:
    pass
step("webhooks")
