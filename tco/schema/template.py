"""The commented scenario template written by ``tco init``."""

SCENARIO_TEMPLATE = """\
# A tco scenario. Estimate it with:  tco estimate THIS_FILE
# Every field is documented in README.md; unknown fields are errors.
name: My workload
currency: USD                # report currency (prices in CNY are converted at a dated rate)
# as_of: 2024-06-01          # price date (left out: the day you run it), e.g. the 2024 price war
# fx: {CNY: 7.1159}          # override an exchange rate (units per 1 USD)

workload:
  requests_per_day: 10000    # or requests_per_month
  input_tokens: 1500         # mean prompt tokens per request (cached ones included)
  output_tokens: 500         # mean visible tokens generated per request
  # days_per_month: 30       # default 365/12 = 30.42
  # cached_input_share: 0.0  # share of input tokens billed at the cached price
  # batch_share: 0.0         # share of requests sent through a batch API
  # offpeak_share: 0.3       # share sent in an API's off-peak hours (default: share of the week they cover)
  # peak_to_average: 2.0     # self-hosting is sized for the peak

quality:
  profile: general-2026      # a built-in profile (tco catalog list profiles): general-2026, agentic-2026;
                             # for 2024 models general, code, math, reasoning, chinese...;
                             # or benchmark weights such as {gpqa-diamond: 1, ifbench: 1}
  min_coverage: 0.5          # share of profile weight a candidate needs scores for to be ranked
  # scores:                  # your own eval results override or add to the catalog's
  #   gpt-5.4: {gpqa-diamond: 75.0}

candidates:                  # `tco catalog list` shows every offer id
  - openai/gpt-5.4           # no reasoning by default (tco catalog show gpt-5.4)
  - anthropic/claude-sonnet-4.6
  - anthropic/claude-opus-4.7
  # - offer: openai/gpt-5.4  # an offer with a negotiated discount
  #   label: gpt-5.4 (enterprise)
  #   discount: 0.15
  # - offer: deepseek/deepseek-v4-pro   # a model that reasons by default bills hidden reasoning
  #   reasoning_tokens: {low: 500, likely: 1500, high: 6000}   # tokens as output: yours, measured
  # - selfhost:              # an open model on rented or owned GPUs (`tco catalog list --kind gpu`)
  #     name: GLM-4.5-Air FP8 on an H100 node
  #     model: glm-4.5-air
  #     precision: fp8
  #     gpu: h100-sxm-80gb
  #     rent_per_gpu_hour: 2.99
  #     latency: {ttft_ms: 1000, tpot_ms: 50}
  #     # reasoning_tokens: 1500  # a reasoning model's hidden tokens, decoded like output
"""
