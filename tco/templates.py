"""The commented scenario template written by ``tco init``."""

SCENARIO_TEMPLATE = """\
# A tco scenario. Estimate it with:  tco estimate THIS_FILE
# Every field is documented in README.md; unknown fields are errors.
name: My workload
currency: USD                # report currency (prices in CNY are converted at a dated rate)
as_of: 2024-06-01            # price date; omit for today
# fx: {CNY: 7.1159}          # override an exchange rate (units per 1 USD)

workload:
  requests_per_day: 10000    # or requests_per_month
  input_tokens: 1500         # mean prompt tokens per request (cached ones included)
  output_tokens: 500         # mean generated tokens per request
  # days_per_month: 30       # default 365/12 = 30.42
  # cached_input_share: 0.0  # share of input tokens billed at the cached price
  # batch_share: 0.0         # share of requests sent through a batch API
  # peak_to_average: 2.0     # self-hosting is sized for the peak

quality:
  profile: general           # general, code, math, reasoning, tool-use, long-context,
                             # multilingual, chinese, support; or weights: {mmlu-cot: 1, humaneval: 1}
  min_coverage: 0.5          # share of profile weight a candidate needs scores for to be ranked
  # scores:                  # your own eval results override or add to the catalog's
  #   gpt-4o-mini: {mmlu: 80.1}

candidates:                  # `tco catalog list` shows every offer id
  - openai/gpt-4o
  - openai/gpt-4o-mini
  - deepseek/deepseek-chat
  - anthropic/claude-3.5-sonnet
  # - offer: openai/gpt-4o   # an offer with a negotiated discount
  #   label: gpt-4o (enterprise)
  #   discount: 0.15
"""
