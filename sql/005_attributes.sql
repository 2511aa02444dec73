-- ecprkit registry schema, migration 005: the findings the eligibility
-- criteria of ECPR protocols ask about (issue 11): pupillary light
-- reflex present, cerebral haemorrhage, arrest witnessed, bystander CPR.
-- Each is coded yes, no or unknown (the contract, ecpr(7)); NULL is not
-- recorded.  The staging table of an import gains the same columns, at
-- its end, in the order lib/registry/db.c copies them.

ALTER TABLE public.episode
	ADD COLUMN pupillary_light_reflex text
	    CHECK (pupillary_light_reflex IN ('yes', 'no', 'unknown')),
	ADD COLUMN cerebral_haemorrhage text
	    CHECK (cerebral_haemorrhage IN ('yes', 'no', 'unknown')),
	ADD COLUMN witnessed text
	    CHECK (witnessed IN ('yes', 'no', 'unknown')),
	ADD COLUMN bystander_cpr text
	    CHECK (bystander_cpr IN ('yes', 'no', 'unknown'));

-- The staging tables of one import (004's, stg_episode with the four
-- columns), created with the owner's right to create temporary tables.
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
	CREATE TEMP TABLE stg_event (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL, type text,
	    occurrence integer, ord integer, t_utc bigint, t_end bigint,
	    prec text, utc_offset integer, source text, note text)
	    ON COMMIT DROP;
	CREATE TEMP TABLE stg_obs (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL,
	    observation text, source text, t_utc bigint, t_end bigint,
	    prec text, utc_offset integer, comparator text, value text,
	    unit text) ON COMMIT DROP;
	CREATE TEMP TABLE stg_cpl (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL,
	    complication text, attribution text, source text, t_utc bigint,
	    t_end bigint, prec text, utc_offset integer, note text)
	    ON COMMIT DROP;
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
	    pg_temp.stg_event, pg_temp.stg_obs, pg_temp.stg_cpl,
	    pg_temp.stg_key, pg_temp.stg_changed, pg_temp.stg_new,
	    pg_temp.stg_id, pg_temp.stg_ev, pg_temp.stg_ob, pg_temp.stg_cp
	    TO PUBLIC;
END
$$;

REVOKE EXECUTE ON FUNCTION public.ecpr_import_stage() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION public.ecpr_import_stage() TO ecpr_site;
