"""Analyses of the records over time (stage 3, beside the measures): they
read a :class:`~netanalysis.forum.Forum`'s time stamps directly and build
no graph.

* :func:`activity_trajectories` - group-based trajectory modelling of the
  members' posts per period (Nagin): finite Poisson or zero-inflated
  Poisson mixtures fitted by EM, the number of groups by BIC;
  :func:`fit_trajectories` fits the same model to a member x period count
  table.
* :func:`rolling` - centrality in moving windows of the reply graph (one
  sorted pass over the posts).
* :func:`emergence` - when each member's structural position and status
  rose, and who rose structurally first; :func:`succession` - who took over
  a quiet member's answered partners.
* :func:`temporal_reach` - time-respecting reachability and temporal
  betweenness (shortest foremost paths) in the message and reply layers.
"""
from .trajectories import Trajectories, activity_trajectories, fit_trajectories

__all__ = ["activity_trajectories", "fit_trajectories", "Trajectories"]

from .rolling import rolling  # noqa: E402

__all__ += ["rolling"]

from .emergence import Emergence, emergence, succession  # noqa: E402

__all__ += ["emergence", "succession", "Emergence"]

from .reach import TemporalReach, temporal_reach  # noqa: E402

__all__ += ["temporal_reach", "TemporalReach"]
