"""SQLAlchemy 2 models. The migrations in ``db/migrations`` create exactly these tables."""

import datetime as dt
from typing import Any, Optional, Type, cast

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.expression import false

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores naive UTC, hands out aware UTC datetimes (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return value

    def process_result_value(self, value: Optional[dt.datetime], dialect: Any) -> Optional[dt.datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=dt.timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def table_of(model: Type[Base]) -> Table:
    """The table of ``model``, for Core statements (the hot paths build theirs once, on tables)."""
    return cast(Table, model.__table__)


class Organization(Base):
    __tablename__ = "organizations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    #: what the key is for ("startup" for the key of HUMANLOOP_API_KEY)
    name: Mapped[Optional[str]] = mapped_column(String(255), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: updated at most once a minute per key, so authenticating stays a read
    last_used_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime, nullable=True)


class Directory(Base):
    __tablename__ = "directories"
    __table_args__ = (UniqueConstraint("org_id", "path", name="uq_directories_org_path"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[Optional[str]] = mapped_column(ForeignKey("directories.id"), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(String(1024))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # migration 0008
    description: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    readme: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    tags: Mapped[Any] = mapped_column(JSON, nullable=True)


class File(Base):
    __tablename__ = "files"
    __table_args__ = (UniqueConstraint("org_id", "path", name="uq_files_org_path"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(16), index=True)
    path: Mapped[str] = mapped_column(String(1024))
    name: Mapped[str] = mapped_column(String(255))
    directory_id: Mapped[Optional[str]] = mapped_column(ForeignKey("directories.id"), nullable=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # migration 0008
    description: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    readme: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    tags: Mapped[Any] = mapped_column(JSON, nullable=True)


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("file_id", "kernel_hash", name="uq_versions_file_kernel"),
        Index("ix_versions_file_created", "file_id", "created_at"),
        # migration 0008: a version name is unique within its File (unnamed versions are NULL)
        Index("uq_versions_file_version_name", "file_id", "version_name", unique=True),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"))
    kernel: Mapped[Any] = mapped_column(JSON)
    kernel_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="uncommitted")
    commit_message: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    committed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime, nullable=True)
    # migration 0008; the version's description is ``commit_message``
    version_name: Mapped[Optional[str]] = mapped_column(String(255), nullable=True)


class Environment(Base):
    __tablename__ = "environments"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_environments_org_name"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    tag: Mapped[str] = mapped_column(String(16), default="other")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Deployment(Base):
    __tablename__ = "deployments"
    __table_args__ = (UniqueConstraint("file_id", "environment_id", name="uq_deployments_file_env"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"))
    environment_id: Mapped[str] = mapped_column(ForeignKey("environments.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[str] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Datapoint(Base):
    """A datapoint of a Dataset file; identical content within one dataset is stored once."""

    __tablename__ = "datapoints"
    __table_args__ = (UniqueConstraint("file_id", "content_hash", name="uq_datapoints_file_hash"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"))
    content_hash: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[Any] = mapped_column(JSON, nullable=True)
    messages: Mapped[Any] = mapped_column(JSON, nullable=True)
    target: Mapped[Any] = mapped_column(JSON, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class DatasetVersionDatapoint(Base):
    __tablename__ = "dataset_version_datapoints"
    version_id: Mapped[str] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True)
    datapoint_id: Mapped[str] = mapped_column(ForeignKey("datapoints.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)


class MonitoringActivation(Base):
    __tablename__ = "monitoring_activations"
    __table_args__ = (UniqueConstraint("file_id", "evaluator_id", name="uq_monitoring_file_evaluator"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    evaluator_id: Mapped[str] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"))
    # a pinned evaluator version, or NULL with environment_id set (follow that environment)
    evaluator_version_id: Mapped[Optional[str]] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), nullable=True
    )
    environment_id: Mapped[Optional[str]] = mapped_column(
        ForeignKey("environments.id", ondelete="CASCADE"), nullable=True
    )
    state: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Log(Base):
    __tablename__ = "logs"
    __table_args__ = (
        Index("ix_logs_file_created", "file_id", "created_at"),
        Index("ix_logs_org_created", "org_id", "created_at"),
        # migration 0007: every query of Logs names the organisation
        Index("ix_logs_org_file_created_id", "org_id", "file_id", "created_at", "id"),
        # migration 0016: a version's Logs newest first (logs.list with version_id)
        Index("ix_logs_org_version_created", "org_id", "version_id", "created_at", "id"),
        Index("ix_logs_org_evaluation", "org_id", "evaluation_id"),
        Index("ix_logs_org_parent", "org_id", "parent_id"),
        Index("ix_logs_org_trace", "org_id", "trace_id"),
        Index("ix_logs_org_trace_parent", "org_id", "trace_parent_id"),
        # migration 0014 dropped the one-column indexes of evaluation_id, parent_id and trace_id:
        # the per-organisation ones above serve every query
    )
    # ids are unique per organisation (a client may choose one); every query of Logs names the organisation
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True)
    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"))
    file_type: Mapped[str] = mapped_column(String(16))
    version_id: Mapped[str] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    # evaluator logs: the evaluated log
    parent_id: Mapped[Optional[str]] = mapped_column(String(128), nullable=True)
    trace_parent_id: Mapped[Optional[str]] = mapped_column(String(128), nullable=True, index=True)
    trace_id: Mapped[Optional[str]] = mapped_column(String(128), nullable=True)
    trace_status: Mapped[Optional[str]] = mapped_column(String(16), nullable=True)
    source_datapoint_id: Mapped[Optional[str]] = mapped_column(String(64), nullable=True)
    evaluation_id: Mapped[Optional[str]] = mapped_column(String(64), nullable=True)
    batch_id: Mapped[Optional[str]] = mapped_column(String(128), nullable=True)
    environment: Mapped[Optional[str]] = mapped_column(String(255), nullable=True)
    inputs: Mapped[Any] = mapped_column(JSON, nullable=True)
    output: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    error: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    messages: Mapped[Any] = mapped_column(JSON, nullable=True)
    output_message: Mapped[Any] = mapped_column(JSON, nullable=True)
    tool_choice: Mapped[Any] = mapped_column(JSON, nullable=True)
    judgment: Mapped[Any] = mapped_column(JSON, nullable=True)
    log_metadata: Mapped[Any] = mapped_column("metadata", JSON, nullable=True)
    provider_request: Mapped[Any] = mapped_column(JSON, nullable=True)
    provider_response: Mapped[Any] = mapped_column(JSON, nullable=True)
    prompt_tokens: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)
    output_tokens: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)
    prompt_cost: Mapped[Optional[float]] = mapped_column(Float, nullable=True)
    output_cost: Mapped[Optional[float]] = mapped_column(Float, nullable=True)
    finish_reason: Mapped[Optional[str]] = mapped_column(String(255), nullable=True)
    provider_latency: Mapped[Optional[float]] = mapped_column(Float, nullable=True)
    stdout: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    source: Mapped[Optional[str]] = mapped_column(String(255), nullable=True)
    user: Mapped[Optional[str]] = mapped_column(String(255), nullable=True)
    save: Mapped[bool] = mapped_column(Boolean, default=True)
    start_time: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime, nullable=True)
    end_time: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # server receive time, used for ordering when created_at is user supplied
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # migration 0008 (a Log's ``log_status`` is ``trace_status``)
    reasoning_tokens: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)
    marked_completed: Mapped[Optional[bool]] = mapped_column(Boolean, nullable=True)


class VersionLogCount(Base):
    """How many Logs a version has and when it last got one (migration 0011), kept as Logs are
    created (a trigger on ``logs``, migration 0015) and removed (``services.log_counts``), so that
    a File body does not count its Logs. A version has up to ``log_counts.SHARDS`` rows
    (``shard``), summed when read: writers of Logs of one version spread over them instead of
    queueing on one row (PostgreSQL)."""

    __tablename__ = "version_log_counts"
    version_id: Mapped[str] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    logs_count: Mapped[int] = mapped_column(Integer, default=0)
    last_received_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime, nullable=True)


class IdempotencyRecord(Base):
    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("org_id", "key", name="uq_idempotency_org_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(String(2048))
    request_hash: Mapped[str] = mapped_column(String(64))
    # NULL while the first request is still being processed
    status_code: Mapped[Optional[int]] = mapped_column(Integer, nullable=True)
    content_type: Mapped[Optional[str]] = mapped_column(String(255), nullable=True)
    response_body: Mapped[Optional[bytes]] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class Job(Base):
    """A durable background job (see ``workers/``): claimed by one worker, retried with backoff."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_run_after", "status", "run_after"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    org_id: Mapped[Optional[str]] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), nullable=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[Any] = mapped_column(JSON, nullable=True)
    # pending | running | done | failed
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    run_after: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[Optional[str]] = mapped_column(String(128), nullable=True)
    claimed_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # a job with a dedupe key is enqueued at most once (e.g. one monitor_log per log x evaluator version)
    dedupe_key: Mapped[Optional[str]] = mapped_column(String(255), nullable=True, unique=True)


class Evaluation(Base):
    """An Evaluation (0.8.6 era): a Dataset version, evaluated versions (batches) and Evaluators."""

    __tablename__ = "evaluations"
    __table_args__ = (
        UniqueConstraint("file_id", "name", name="uq_evaluations_file_name"),
        Index("ix_evaluations_file_created", "file_id", "created_at"),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)
    # the evaluated File
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"))
    name: Mapped[Optional[str]] = mapped_column(String(255), nullable=True)
    # NULL for an Evaluation of the runs era made without a Dataset (each Run names its own)
    dataset_file_id: Mapped[Optional[str]] = mapped_column(
        ForeignKey("files.id", ondelete="CASCADE"), index=True, nullable=True
    )
    dataset_version_id: Mapped[Optional[str]] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), index=True, nullable=True
    )
    # set up with a Dataset rather than a version: each new batch takes the version the Dataset
    # resolves to when the batch begins (dataset_version_id follows it)
    dataset_follows_file: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # pending | running | completed | cancelled
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvaluationEvaluator(Base):
    __tablename__ = "evaluation_evaluators"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "evaluator_version_id", name="uq_evaluation_evaluators_version"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    evaluation_id: Mapped[str] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    evaluator_version_id: Mapped[str] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"), index=True)
    orchestrated: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvaluationEvaluatee(Base):
    """An evaluated version and batch: one column of an Evaluation's report, and one Run of it
    (the runs era's name for the same thing, see docs/SERVER.md)."""

    __tablename__ = "evaluation_evaluatees"
    __table_args__ = (
        UniqueConstraint("evaluation_id", "version_id", "batch_id", name="uq_evaluation_evaluatees_version_batch"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    evaluation_id: Mapped[str] = mapped_column(ForeignKey("evaluations.id", ondelete="CASCADE"), index=True)
    # NULL for a Run created without a version: its first Log decides it
    version_id: Mapped[Optional[str]] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), index=True, nullable=True
    )
    # migration 0009: the id of the Run (shared by the rows of a Run added to other Evaluations)
    run_id: Mapped[Optional[str]] = mapped_column(String(64), nullable=True, index=True)
    # a status set by a client (completed | cancelled); NULL: computed
    run_status: Mapped[Optional[str]] = mapped_column(String(16), nullable=True)
    # a Run added from another Evaluation: the Evaluation its Logs belong to (NULL: this one)
    logs_evaluation_id: Mapped[Optional[str]] = mapped_column(String(64), nullable=True)
    created_at: Mapped[Optional[dt.datetime]] = mapped_column(UTCDateTime, nullable=True)
    batch_id: Mapped[Optional[str]] = mapped_column(String(128), nullable=True)
    orchestrated: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the Dataset version this batch is judged against (NULL: the Evaluation's, for older rows)
    dataset_version_id: Mapped[Optional[str]] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), nullable=True
    )


class ToolEnvironmentVariable(Base):
    """A named value kept for a Tool (migration 0008); answers show it masked."""

    __tablename__ = "tool_environment_variables"
    __table_args__ = (UniqueConstraint("file_id", "name", name="uq_tool_environment_variables_file_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
