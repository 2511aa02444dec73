-- ecprkit registry schema, migration 003: site isolation that no
-- search_path can bend.  Before this a site role could create a temporary
-- table "site_role" (pg_temp comes first in every search_path), map
-- itself to another site and read and change that site's rows, because
-- ecpr_my_sites() looked its table up by name when it ran.
--
-- Now every function the policies and views use has a body parsed when
-- it is created (BEGIN ATOMIC / RETURN: each name is bound once, to its
-- schema), the functions that run SQL by name pin search_path with
-- pg_temp last, and nobody but the owner creates objects in the
-- registry database: no temporary tables, no objects in schema public.
-- Imports still stage rows in temporary tables: the owner's function
-- ecpr_import_stage() creates them (see lib/db.c).

-- Nobody else creates objects here: no TEMP, no CREATE (schemas), no
-- CREATE in schema public.  The owner keeps its rights.
DO $$
BEGIN
	EXECUTE format('REVOKE TEMPORARY, CREATE ON DATABASE %I FROM PUBLIC, '
	    'ecpr_site, ecpr_coordinator', current_database());
END
$$;
REVOKE CREATE ON SCHEMA public FROM PUBLIC, ecpr_site, ecpr_coordinator;

-- Bodies parsed at creation: the same results, inlined as before.
CREATE OR REPLACE FUNCTION public.ecpr_div_round(num bigint, den bigint)
    RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN num >= 0 THEN (2 * num + den) / (2 * den)
	ELSE -((2 * (-num) + den) / (2 * den)) END;

CREATE OR REPLACE FUNCTION public.ecpr_unit_text(v bigint, den bigint)
    RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE WHEN den = 60 THEN v::text
	ELSE (v / 10)::text || '.' || (v % 10)::text END;

CREATE OR REPLACE FUNCTION public.ecpr_interval_text(lo_s bigint,
    hi_s bigint, den bigint)
    RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE
	WHEN lo_s = hi_s THEN public.ecpr_unit_text(
	    public.ecpr_div_round(lo_s, den), den)
	WHEN public.ecpr_div_round(greatest(lo_s, 0), den) =
	    public.ecpr_div_round(hi_s, den)
	    THEN public.ecpr_unit_text(public.ecpr_div_round(hi_s, den), den)
	ELSE public.ecpr_unit_text(public.ecpr_div_round(greatest(lo_s, 0),
	    den), den) || '..' || public.ecpr_unit_text(
	    public.ecpr_div_round(hi_s, den), den) END;

-- The sites of the current role; runs with the caller's rights (the
-- policy on site_role shows each role its own row).
CREATE OR REPLACE FUNCTION public.ecpr_my_sites() RETURNS SETOF text
    LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp
BEGIN ATOMIC
	SELECT r.site FROM public.site_role r
	    WHERE r.role_name = CURRENT_USER;
END;

ALTER FUNCTION public.ecpr_add_site_role(text, text)
    SET search_path = pg_catalog, public, pg_temp;
ALTER FUNCTION public.ecpr_add_coordinator_role(text)
    SET search_path = pg_catalog, public, pg_temp;

-- The staging tables of one import, created with the owner's right to
-- create temporary tables; they live until the import's transaction
-- ends and only this session sees them.  The shapes are those lib/db.c
-- copies into and merges from.
CREATE FUNCTION public.ecpr_import_stage() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
BEGIN
	CREATE TEMP TABLE stg_episode (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL, tz text,
	    age_years text, sex text, bmi text, primary_disease text,
	    ca_location text, first_cpr_provider text, initial_rhythm text,
	    apache2 text, cannulation_method text, mcc_device text,
	    ecmo_device text, cpc_discharge text) ON COMMIT DROP;
	CREATE TEMP TABLE stg_event (site text NOT NULL,
	    subject text NOT NULL, episode integer NOT NULL, type text,
	    occurrence integer, ord integer, t_utc bigint, t_end bigint,
	    prec text, utc_offset integer, source text, note text)
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
	GRANT SELECT, INSERT, UPDATE, DELETE ON pg_temp.stg_episode,
	    pg_temp.stg_event, pg_temp.stg_key, pg_temp.stg_changed,
	    pg_temp.stg_new, pg_temp.stg_id, pg_temp.stg_ev TO PUBLIC;
END
$$;

-- ANALYZE staging tables (only their owner may).
CREATE FUNCTION public.ecpr_import_analyze(VARIADIC p_tables text[])
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp AS $$
DECLARE
	t text;
BEGIN
	FOREACH t IN ARRAY p_tables LOOP
		IF t NOT IN ('stg_episode', 'stg_event', 'stg_key',
		    'stg_changed', 'stg_new', 'stg_id', 'stg_ev') THEN
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
