DROP TABLE IF EXISTS public.cdc_bench_plain, public.cdc_bench_captured
