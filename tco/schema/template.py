"""The commented scenario template written by ``tco init``."""

SCENARIO_TEMPLATE = """\
# A tco scenario. Estimate it with:  tco estimate THIS_FILE
# Every field is documented in README.md; unknown fields are errors.
name: My workload
currency: USD                # report currency (prices in CNY are converted at a dated rate)
as_of: 2024-09-15            # price date; omit for today
# fx: {CNY: 7.1159}          # override an exchange rate (units per 1 USD)

workload:
  requests_per_day: 10000    # or requests_per_month
  input_tokens: 1500         # mean prompt tokens per request (cached ones included)
  output_tokens: 500         # mean generated tokens per request
  # days_per_month: 30       # default 365/12 = 30.42
  # cached_input_share: 0.0  # share of input tokens billed at the cached price
  # batch_share: 0.0         # share of requests sent through a batch API
  # offpeak_share: 0.3       # share sent in an API's off-peak hours (default: share of the week they cover)
  # peak_to_average: 2.0     # self-hosting is sized for the peak

quality:
  profile: {mmlu: 1, humaneval: 1}   # benchmark weights, or a built-in profile: general, code,
                             # math, reasoning, tool-use, long-context, multilingual, chinese, support;
                             # for models of 2026: general-2026, agentic-2026 (tco catalog list profiles)
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
  # - offer: openai/o1-mini  # a model that reasons by default bills hidden reasoning tokens as
  #   reasoning_tokens: {low: 500, likely: 1500, high: 6000}   # output: per request, yours measured
  # - selfhost:              # an open model on rented or owned GPUs (`tco catalog list --kind gpu`)
  #     name: Llama 3.1 70B on 2x H100
  #     model: llama-3.1-70b-instruct
  #     precision: fp8
  #     gpu: h100-sxm-80gb
  #     rent_per_gpu_hour: 2.99
  #     latency: {ttft_ms: 1000, tpot_ms: 50}
  #     # reasoning_tokens: 1500  # a reasoning model's hidden tokens, decoded like output
"""
