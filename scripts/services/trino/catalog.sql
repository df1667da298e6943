-- Iceberg's JDBC catalog tables, schema V1 (with iceberg_type), created before Trino
-- touches them: Iceberg would otherwise create the V0 layout, and Trino with
-- iceberg.jdbc-catalog.schema-version=V1 expects the iceberg_type column.
create schema if not exists :"schema";
create table if not exists :"schema".iceberg_tables (
    catalog_name varchar(255) not null,
    table_namespace varchar(255) not null,
    table_name varchar(255) not null,
    metadata_location varchar(1000),
    previous_metadata_location varchar(1000),
    iceberg_type varchar(5),
    primary key (catalog_name, table_namespace, table_name)
);
create table if not exists :"schema".iceberg_namespace_properties (
    catalog_name varchar(255) not null,
    namespace varchar(255) not null,
    property_key varchar(255),
    property_value varchar(1000),
    primary key (catalog_name, namespace, property_key)
);
