-- ecprkit registry schema, migration 007: imports copy new episodes'
-- rows straight into their tables (issue 13 item 3).  The episodes of
-- an import are sent in chunks: each chunk is copied into stg_chunk
-- (stg_episode's columns after ord, the chunk's order), its new
-- episodes are inserted at once and their ids returned, so that their
-- events, observations and complications need no staging round trip
-- (lib/registry/db.c).  Rows of stored episodes are still staged and
-- merged (audited) at the end, as before.  The staging tables of rows
-- now take the times as timestamptz, the form the tables store, so
-- that one text row serves both ways; stg_chunk may be truncated by
-- whoever stages (it is emptied after every chunk).

CREATE OR REPLACE FUNCTION public.ecpr_import_stage() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	CREATE TEMP TABLE stg_episode (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL, tz text,
	    age_years text, sex text, bmi text, primary_disease text,
	    ca_location text, first_cpr_provider text, initial_rhythm text,
	    apache2 text, cannulation_method text, mcc_device text,
	    ecmo_device text, cpc_discharge text,
	    pupillary_light_reflex text, cerebral_haemorrhage text,
	    witnessed text, bystander_cpr text) ON COMMIT DROP;
	CREATE TEMP TABLE stg_chunk (ord integer NOT NULL,
	    site text NOT NULL, subject text NOT NULL,
	    episode integer NOT NULL, tz text, age_years text, sex text,
	    bmi text, primary_disease text, ca_location text,
	    first_cpr_provider text, initial_rhythm text, apache2 text,
	    cannulation_method text, mcc_device text, ecmo_device text,
	    cpc_discharge text, pupillary_light_reflex text,
	    cerebral_haemorrhage text, witnessed text, bystander_cpr text)
	    ON COMMIT DROP;
	CREATE TEMP TABLE stg_event (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL, type text,
	    occurrence integer, ord integer, t_utc timestamptz,
	    t_end timestamptz, prec text, utc_offset integer, source text,
	    note text) ON COMMIT DROP;
	CREATE TEMP TABLE stg_obs (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL,
	    observation text, source text, t_utc timestamptz,
	    t_end timestamptz, prec text, utc_offset integer,
	    comparator text, value text, unit text) ON COMMIT DROP;
	CREATE TEMP TABLE stg_cpl (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL,
	    complication text, attribution text, source text,
	    t_utc timestamptz, t_end timestamptz, prec text,
	    utc_offset integer, note text) ON COMMIT DROP;
	CREATE TEMP TABLE stg_key (site text, subject text,
	    episode integer, old_id bigint) ON COMMIT DROP;
	CREATE TEMP TABLE stg_changed (episode_id bigint) ON COMMIT DROP;
	CREATE TEMP TABLE stg_new (episode_id bigint, site text,
	    subject text, episode integer) ON COMMIT DROP;
	CREATE TEMP TABLE stg_id (site text, subject text, episode integer,
	    episode_id bigint, is_new boolean) ON COMMIT DROP;
	CREATE TEMP TABLE stg_ev (episode_id bigint, site text, type text,
	    occurrence integer, ord integer, t_utc timestamptz,
	    t_end timestamptz, prec text, utc_offset integer, source text,
	    note text, is_new boolean, subject text, episode integer)
	    ON COMMIT DROP;
	CREATE TEMP TABLE stg_ob (episode_id bigint, site text,
	    observation text, source text, t_utc timestamptz,
	    t_end timestamptz, prec text, utc_offset integer,
	    comparator text, value numeric, unit text, is_new boolean,
	    subject text, episode integer) ON COMMIT DROP;
	CREATE TEMP TABLE stg_cp (episode_id bigint, site text,
	    complication text, attribution text, source text,
	    t_utc timestamptz, t_end timestamptz, prec text,
	    utc_offset integer, note text, is_new boolean, subject text,
	    episode integer) ON COMMIT DROP;
	GRANT SELECT, INSERT, UPDATE, DELETE ON pg_temp.stg_episode,
	    pg_temp.stg_chunk, pg_temp.stg_event, pg_temp.stg_obs,
	    pg_temp.stg_cpl, pg_temp.stg_key, pg_temp.stg_changed,
	    pg_temp.stg_new, pg_temp.stg_id, pg_temp.stg_ev, pg_temp.stg_ob,
	    pg_temp.stg_cp TO PUBLIC;
	GRANT TRUNCATE ON pg_temp.stg_chunk TO PUBLIC;
END
$$;

-- ANALYZE staging tables (only their owner may); stg_chunk is one of
-- them now.
CREATE OR REPLACE FUNCTION public.ecpr_import_analyze(
    VARIADIC p_tables text[])
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY p_tables LOOP
		IF t NOT IN ('stg_episode', 'stg_chunk', 'stg_event',
		    'stg_obs', 'stg_cpl', 'stg_key', 'stg_changed', 'stg_new',
		    'stg_id', 'stg_ev', 'stg_ob', 'stg_cp') THEN
			RAISE EXCEPTION 'not a staging table: %', t
			    USING ERRCODE = 'invalid_parameter_value';
		END IF;
		EXECUTE format('ANALYZE pg_temp.%I', t);
	END LOOP;
END
$$;

REVOKE EXECUTE ON FUNCTION public.ecpr_import_stage(),
    public.ecpr_import_analyze(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.ecpr_import_stage(),
    public.ecpr_import_analyze(text[]) TO ecpr_site;
